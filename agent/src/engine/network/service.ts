import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import {
  NetworkCreate,
  type NetworkCreateInput,
  planAddresses,
  RESERVED_NETWORK_NAMES,
} from './create-request.ts';
import { DnsServer } from './dns-server.ts';
import { applyRuleset, deleteTable, type PortRule, renderRuleset } from './firewall.ts';
import { allocateAddress, claimAddress } from './ipam.ts';
import { formatIp, macFor, parseCidr, parseIp } from './ipv4.ts';
import {
  attachEndpoint,
  createBridge,
  createNetns,
  deleteLinks,
  type EndpointConfig,
  hostRouteSubnets,
  linkNames,
  removeNetns,
} from './links.ts';
import { NetworkStore } from './network-store.ts';
import { ifName, type NetworkOptions } from './options.ts';
import { PortReservations } from './port-reservations.ts';
import type { Endpoint, NetworkRecord, PublishedPort } from './record.ts';
import type { EndpointRequest, PortBinding } from './spec.ts';
import { runTool } from './tool.ts';

/** What the network module needs to know of a container. */
export interface ContainerRef {
  id: string;
  name: string;
}

/** A container's networking for one start: addresses for /etc/hosts, DNS, and its namespace. */
export interface Attachment {
  addresses: string[];
  /** the agent's DNS server, for containers on a user network */
  nameservers: string[];
  /** the namespace the container joins (bind-mounted file), made and wired by `ready` */
  netns: string;
  /** resolves once the namespace has its interfaces; the container must not start before */
  ready: Promise<void>;
}

/**
 * Bridge networks: records and leases (persisted), bridges and veth pairs,
 * the nftables table, published host ports. Bridges appear when the first
 * container needs them; the firewall table is re-rendered whole on each change.
 */
export class NetworkService {
  private readonly store: NetworkStore;
  private readonly ports = new PortReservations();
  private readonly bridgesUp = new Set<string>();
  private readonly dns = new DnsServer((asker, name) => this.resolve(asker, name));
  /** one change at a time: leases, reservations and the table must agree */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: NetworkOptions,
    root: string,
    /** where containers' namespaces are bind-mounted (under /run, like the tasks) */
    private readonly netnsDir: string,
    private readonly events?: EventBus,
  ) {
    this.store = new NetworkStore(root);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  async open(): Promise<void> {
    await this.store.load();
    if (!this.store.find('bridge')) {
      const subnet = parseCidr(this.options.defaultSubnet);
      await this.store.save({
        id: randomBytes(32).toString('hex'),
        name: 'bridge',
        created: new Date().toISOString(),
        isDefault: true,
        bridge: this.options.defaultBridge,
        subnet: this.options.defaultSubnet,
        gateway: formatIp(subnet.base + 1),
        internal: false,
        icc: true,
        masquerade: true,
        mtu: 1500,
        labels: {},
        options: {},
        endpoints: {},
      });
    }
  }

  list(): NetworkRecord[] {
    return this.store.all();
  }

  get(ref: string): NetworkRecord {
    return this.store.get(ref);
  }

  /** The networks a container is on, its first (the one it was created with) first. */
  networksOf(containerId: string): { network: NetworkRecord; endpoint: Endpoint }[] {
    return this.store
      .all()
      .flatMap((network) => {
        const endpoint = network.endpoints[containerId];
        return endpoint ? [{ network, endpoint }] : [];
      })
      .sort((a, b) => a.endpoint.order - b.endpoint.order);
  }

  create(input: NetworkCreateInput): Promise<NetworkRecord> {
    return this.serial(async () => {
      const req = NetworkCreate.parse(input);
      if (RESERVED_NETWORK_NAMES.has(req.name))
        throw new EngineError('forbidden', `${req.name} is a pre-defined network and cannot be created`);
      if (this.store.all().some((n) => n.name === req.name))
        throw new EngineError('conflict', `network with name ${req.name} already exists`);
      const ours = new Set(this.store.all().map((n) => n.bridge));
      const inUse = [...this.store.all().map((n) => n.subnet), ...(await hostRouteSubnets(ours))].map(
        parseCidr,
      );
      const plan = planAddresses(req, inUse, parseCidr(this.options.addressPool));
      const id = randomBytes(32).toString('hex');
      const record: NetworkRecord = {
        id,
        name: req.name,
        created: new Date().toISOString(),
        isDefault: false,
        bridge: ifName(this.options.ifPrefix, `bridge:${id}`),
        ...plan,
        internal: req.internal,
        labels: req.labels,
        options: req.options,
        endpoints: {},
      };
      await this.store.save(record);
      this.events?.publish('network', 'create', id, { name: req.name, type: 'bridge' });
      return record;
    });
  }

  remove(ref: string): Promise<void> {
    return this.serial(async () => {
      const network = this.store.get(ref);
      if (network.isDefault)
        throw new EngineError('forbidden', `${network.name} is a pre-defined network and cannot be removed`);
      const attached = Object.values(network.endpoints);
      if (attached.length > 0)
        throw new EngineError(
          'conflict',
          `error while removing network: network ${network.name} id ${network.id} has active endpoints (${attached.map((e) => e.containerName).join(', ')})`,
        );
      await this.store.delete(network.id);
      if (this.bridgesUp.delete(network.bridge)) {
        this.dns.close(network.gateway);
        await this.applyFirewall();
        await deleteLinks([network.bridge]);
      }
      this.events?.publish('network', 'destroy', network.id, { name: network.name, type: 'bridge' });
    });
  }

  /** Removes the user networks no container is on; returns their names. */
  async prune(filter: (n: NetworkRecord) => boolean = () => true): Promise<string[]> {
    const removed: string[] = [];
    for (const n of this.store.all()) {
      if (n.isDefault || Object.keys(n.endpoints).length > 0 || !filter(n)) continue;
      await this.remove(n.id);
      removed.push(n.name);
    }
    return removed;
  }

  /**
   * Puts a container on a network (at create, or `docker network connect`):
   * an endpoint without a lease, checked now so a bad --ip fails early.
   */
  join(ref: string, container: ContainerRef, req: EndpointRequest = { aliases: [] }): Promise<NetworkRecord> {
    return this.serial(async () => {
      const network = this.store.get(ref);
      if (network.endpoints[container.id])
        throw new EngineError(
          'forbidden',
          `endpoint with name ${container.name} already exists in network ${network.name}`,
        );
      if (req.ipv4Address) {
        if (network.isDefault)
          throw new EngineError(
            'invalid',
            'user specified IP address is supported on user defined networks only',
          );
        claimAddress(parseCidr(network.subnet), parseIp(network.gateway), req.ipv4Address, takenIn(network));
      }
      const order = Math.max(-1, ...this.networksOf(container.id).map((x) => x.endpoint.order)) + 1;
      network.endpoints[container.id] = {
        containerId: container.id,
        containerName: container.name,
        requestedIp: req.ipv4Address,
        aliases: req.aliases,
        order,
        ports: [],
      };
      await this.store.save(network);
      return network;
    });
  }

  /** Takes a container off a network (disconnect, or its removal). */
  leave(ref: string, containerId: string): Promise<void> {
    return this.serial(async () => {
      const network = this.store.get(ref);
      const endpoint = network.endpoints[containerId];
      if (!endpoint)
        throw new EngineError(
          'not_found',
          `container ${containerId} is not connected to network ${network.name}`,
        );
      await this.releaseEndpoint(network, endpoint);
      delete network.endpoints[containerId];
      await this.store.save(network);
    });
  }

  /** Every network a removed container was on. */
  async leaveAll(containerId: string): Promise<void> {
    for (const { network } of this.networksOf(containerId)) await this.leave(network.id, containerId);
  }

  /**
   * Leases, host ports and firewall rules for a container about to start;
   * on any failure everything taken here is given back before the error.
   */
  async up(container: ContainerRef, publish: PortBinding[]): Promise<Attachment> {
    const netns = this.netnsPath(container.id);
    const leased = await this.serial(async () => {
      const joined = this.networksOf(container.id);
      try {
        const wires: { network: NetworkRecord; endpoint: Endpoint; primary: boolean }[] = [];
        for (const [i, { network, endpoint }] of joined.entries()) {
          await this.lease(network, endpoint, i);
          wires.push({ network, endpoint, primary: i === 0 });
        }
        const primary = joined[0];
        if (primary && publish.length > 0) {
          primary.endpoint.ports = await this.reservePorts(publish);
          await this.store.save(primary.network);
        }
        // published ports and networks without inter-container traffic have rules per container
        if (publish.length > 0 || joined.some((j) => !j.network.icc)) await this.applyFirewall();
        return wires;
      } catch (err) {
        for (const { network, endpoint } of joined)
          await this.releaseEndpoint(network, endpoint).catch(() => {});
        throw err;
      }
    });
    // the interfaces are made outside the lock, while the caller prepares the rest of the start
    const ready = this.makeNetns(container.id, async (path) => {
      for (const [i, w] of leased.entries()) {
        const config = endpointConfig(w.network, w.endpoint, w.primary);
        await (i === 0 ? createNetns(path, config) : attachEndpoint(path, config));
      }
    });
    return {
      addresses: leased.map((w) => w.endpoint.ip!),
      nameservers: leased
        .filter((w) => !w.network.isDefault)
        .slice(0, 1)
        .map((w) => w.network.gateway),
      netns,
      ready,
    };
  }

  private makeNetns(containerId: string, make: (path: string) => Promise<void>): Promise<void> {
    const path = this.netnsPath(containerId);
    const ready = (async () => {
      await mkdir(this.netnsDir, { recursive: true, mode: 0o700 });
      await removeNetns(path); // a leftover of a crash
      await make(path);
    })();
    ready.catch(() => {}); // observed by the caller; never an unhandled rejection meanwhile
    return ready;
  }

  private netnsPath(containerId: string): string {
    return join(this.netnsDir, containerId);
  }

  /** A running container joins one more network at once (docker network connect). */
  async connectRunning(
    ref: string,
    container: ContainerRef,
    req: EndpointRequest,
    pid: number,
  ): Promise<void> {
    const network = await this.join(ref, container, req);
    await this.serial(async () => {
      const endpoint = network.endpoints[container.id]!;
      try {
        await this.lease(network, endpoint, this.networksOf(container.id).length - 1);
        if (!network.icc) await this.applyFirewall();
        const only = this.networksOf(container.id).length === 1;
        await attachEndpoint(`/proc/${pid}/ns/net`, endpointConfig(network, endpoint, only));
      } catch (err) {
        await this.releaseEndpoint(network, endpoint).catch(() => {});
        delete network.endpoints[container.id];
        await this.store.save(network);
        throw err;
      }
    });
  }

  /** `docker rename`: DNS answers to the new name. */
  rename(containerId: string, name: string): Promise<void> {
    return this.serial(async () => {
      for (const { network, endpoint } of this.networksOf(containerId)) {
        endpoint.containerName = name;
        await this.store.save(network);
      }
    });
  }

  /** Gives back what a stopped container held: leases, host ports, veth pairs, rules. */
  down(containerId: string): Promise<void> {
    return this.serial(async () => {
      for (const { network, endpoint } of this.networksOf(containerId))
        await this.releaseEndpoint(network, endpoint);
      await removeNetns(this.netnsPath(containerId));
    });
  }

  private async lease(network: NetworkRecord, endpoint: Endpoint, index: number): Promise<void> {
    await this.bridgeUp(network);
    const subnet = parseCidr(network.subnet);
    const gateway = parseIp(network.gateway);
    const taken = takenIn(network, endpoint.containerId);
    const ip = endpoint.requestedIp
      ? claimAddress(subnet, gateway, endpoint.requestedIp, taken)
      : allocateAddress(subnet, gateway, network.ipRange ? parseCidr(network.ipRange) : subnet, taken);
    endpoint.ip = formatIp(ip);
    endpoint.mac = macFor(ip);
    endpoint.hostIf = ifName(this.options.ifPrefix, `veth:${endpoint.containerId}:${network.id}`);
    endpoint.containerIf = `eth${index}`;
    await this.store.save(network);
  }

  private async releaseEndpoint(network: NetworkRecord, endpoint: Endpoint): Promise<void> {
    const hadRules = endpoint.ports.length > 0 || (!network.icc && endpoint.hostIf !== undefined);
    for (const p of endpoint.ports) this.ports.release(p.protocol, p.hostIp, p.hostPort);
    const hostIf = endpoint.hostIf;
    endpoint.ports = [];
    endpoint.ip = undefined;
    endpoint.mac = undefined;
    endpoint.hostIf = undefined;
    endpoint.containerIf = undefined;
    await this.store.save(network);
    if (hadRules) await this.applyFirewall();
    if (hostIf) await deleteLinks([hostIf]);
  }

  private async reservePorts(publish: PortBinding[]): Promise<PublishedPort[]> {
    const out: PublishedPort[] = [];
    try {
      for (const p of publish) {
        const hostPort = await this.ports.reserve(
          p.protocol,
          p.hostIp,
          p.hostPort,
          p.hostPortEnd ?? p.hostPort,
        );
        out.push({ protocol: p.protocol, hostIp: p.hostIp, hostPort, containerPort: p.containerPort });
      }
      return out;
    } catch (err) {
      for (const p of out) this.ports.release(p.protocol, p.hostIp, p.hostPort);
      throw err;
    }
  }

  private async bridgeUp(network: NetworkRecord): Promise<void> {
    if (this.bridgesUp.has(network.bridge)) return;
    if (!(await linkNames()).includes(network.bridge)) {
      await createBridge({
        name: network.bridge,
        address: `${network.gateway}/${parseCidr(network.subnet).prefix}`,
        mtu: network.mtu,
      });
    }
    this.bridgesUp.add(network.bridge);
    try {
      await ensureForwarding();
      await this.applyFirewall();
      // containers on a user network find each other by name: without the resolver they would
      // start and then fail to, which is worse than not starting with the reason
      if (!network.isDefault)
        await this.dns.listen(network.gateway).catch((err: NodeJS.ErrnoException) => {
          throw new EngineError(
            'unavailable',
            `network ${network.name}: cannot serve DNS on ${network.gateway}:53 (${err.code ?? err.message})${
              err.code === 'EADDRINUSE'
                ? ': another process holds port 53 on every address (a DNS server bound to 0.0.0.0?); bind it to specific addresses or stop it'
                : ''
            }`,
            { cause: err },
          );
        });
    } catch (err) {
      this.bridgesUp.delete(network.bridge);
      await deleteLinks([network.bridge]);
      // the rules rendered for it go too
      await this.applyFirewall().catch(() => {});
      throw err;
    }
  }

  private applyFirewall(): Promise<void> {
    const up = this.store.all().filter((n) => this.bridgesUp.has(n.bridge));
    const rules: PortRule[] = up.flatMap((n) =>
      Object.values(n.endpoints).flatMap((e) =>
        e.ip ? e.ports.map((p) => ({ ...p, containerIp: e.ip! })) : [],
      ),
    );
    const networks = up.map((n) => ({
      ...n,
      ports: Object.values(n.endpoints).flatMap((e) => (e.hostIf ? [e.hostIf] : [])),
    }));
    return applyRuleset(renderRuleset(this.options.nftTable, networks, rules));
  }

  /**
   * At agent start: leases of containers that no longer run are given back;
   * bridges, host ports and the firewall table are made to match the
   * containers that do. The table is re-rendered whole: no duplicates, no leftovers.
   */
  reconcile(running: Set<string>): Promise<void> {
    return this.serial(async () => {
      const stale: string[] = [];
      for (const network of this.store.all()) {
        let changed = false;
        for (const endpoint of Object.values(network.endpoints)) {
          if (running.has(endpoint.containerId) || !endpoint.ip) continue;
          if (endpoint.hostIf) stale.push(endpoint.hostIf);
          Object.assign(endpoint, {
            ip: undefined,
            mac: undefined,
            hostIf: undefined,
            containerIf: undefined,
            ports: [],
          });
          changed = true;
        }
        if (changed) await this.store.save(network);
      }
      await deleteLinks(stale);
      await this.removeNetnsExcept(running);
      for (const network of this.store.all()) {
        const live = Object.values(network.endpoints).filter((e) => e.ip);
        if (live.length === 0) continue;
        await this.bridgeUp(network);
        for (const e of live) {
          const kept: PublishedPort[] = [];
          for (const p of e.ports) {
            try {
              await this.ports.reserve(p.protocol, p.hostIp, p.hostPort);
              kept.push(p);
            } catch (err) {
              console.error(`network ${network.name}: ${(err as Error).message}`);
            }
          }
          e.ports = kept;
        }
        await this.store.save(network);
      }
      if (this.bridgesUp.size > 0) await this.applyFirewall();
      else await deleteTable(this.options.nftTable).catch(() => {});
    });
  }

  private resolve(asker: string, name: string): string[] | undefined {
    return resolveIn(this.store.all(), asker, name);
  }

  private async removeNetnsExcept(keep: Set<string>): Promise<void> {
    const ids = await readdir(this.netnsDir).catch(() => [] as string[]);
    for (const id of ids) if (!keep.has(id)) await removeNetns(this.netnsPath(id));
  }

  /** This service's interfaces and table still in the kernel (after teardown: none, unless it failed). */
  async leftovers(): Promise<string[]> {
    const mine = new Set(
      this.store
        .all()
        .flatMap((n) => [
          n.bridge,
          ...Object.values(n.endpoints).flatMap((e) => (e.hostIf ? [e.hostIf] : [])),
        ]),
    );
    const links = (await linkNames()).filter((l) => mine.has(l));
    const tables = await runTool('nft', ['list', 'tables'], '');
    const left = tables
      .split('\n')
      .filter((t) => new RegExp(`^table (ip|bridge) ${this.options.nftTable}$`).test(t));
    return [...links, ...left];
  }

  /** Removes every bridge and the firewall table (tests, uninstall); records stay. */
  teardown(): Promise<void> {
    return this.serial(async () => {
      this.ports.releaseAll();
      this.dns.closeAll();
      const ifs = this.store
        .all()
        .flatMap((n) => [
          n.bridge,
          ...Object.values(n.endpoints).flatMap((e) => (e.hostIf ? [e.hostIf] : [])),
        ]);
      await deleteLinks(ifs);
      await this.removeNetnsExcept(new Set());
      this.bridgesUp.clear();
      await deleteTable(this.options.nftTable).catch(() => {});
    });
  }
}

function endpointConfig(network: NetworkRecord, endpoint: Endpoint, primary: boolean): EndpointConfig {
  return {
    bridge: network.bridge,
    mtu: network.mtu,
    hostIf: endpoint.hostIf!,
    containerIf: endpoint.containerIf!,
    mac: endpoint.mac!,
    address: `${endpoint.ip}/${parseCidr(network.subnet).prefix}`,
    gateway: primary && !network.internal ? network.gateway : undefined,
  };
}

/**
 * What the DNS server answers: the containers that share a user network with
 * the asker, by name, alias or short id, with their address on that network.
 */
function resolveIn(networks: NetworkRecord[], asker: string, name: string): string[] | undefined {
  const out: string[] = [];
  for (const n of networks) {
    const endpoints = Object.values(n.endpoints);
    if (n.isDefault || !endpoints.some((e) => e.ip === asker)) continue;
    for (const e of endpoints) {
      if (!e.ip) continue;
      const names = [e.containerName, ...e.aliases].map((x) => x.toLowerCase());
      if (names.includes(name) || (name.length >= 12 && e.containerId.startsWith(name))) out.push(e.ip);
    }
  }
  return out.length > 0 ? out : undefined;
}

function takenIn(network: NetworkRecord, except?: string): Set<number> {
  const taken = new Set<number>();
  for (const e of Object.values(network.endpoints)) {
    if (e.containerId === except) continue;
    if (e.ip) taken.add(parseIp(e.ip));
    if (e.requestedIp) taken.add(parseIp(e.requestedIp));
  }
  return taken;
}

/**
 * Containers' traffic is routed by the host: IPv4 forwarding must be on.
 * Berth turns it on when a bridge comes up (as Docker does) and leaves it
 * on; the table's forward chain keeps everything but replies and published
 * ports out of the bridges.
 */
async function ensureForwarding(): Promise<void> {
  const path = '/proc/sys/net/ipv4/ip_forward';
  if ((await readFile(path, 'utf8')).trim() === '1') return;
  await writeFile(path, '1');
  console.error('network: turned on net.ipv4.ip_forward for container traffic');
}

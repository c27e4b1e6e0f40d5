import { writeFile } from 'node:fs/promises';
import { EngineError } from '../errors.ts';
import type { NetworkService } from '../network/service.ts';
import { networkMode, type PortBinding } from '../network/spec.ts';
import type { RuntimeSpecInput } from '../oci/spec.ts';
import { hostsFile, resolvConfFile } from './init-files.ts';
import type { ContainerRecord } from './record.ts';
import type { ContainerSpec } from './spec.ts';

type Namespace = NonNullable<NonNullable<RuntimeSpecInput['linux']>['namespaces']>[number];

/** At create: the modes that exclude each other are refused, and a bridge container joins its network. */
export async function joinNetworks(
  network: NetworkService,
  spec: ContainerSpec,
  container: { id: string; name: string },
  findContainer: (ref: string) => ContainerRecord,
): Promise<void> {
  const mode = networkMode(spec.network.mode);
  if (mode.kind !== 'network') {
    if (spec.network.ports.length > 0 || spec.network.publishAll)
      throw new EngineError(
        'invalid',
        'conflicting options: port publishing and the container type network mode',
      );
    if (mode.kind === 'container') {
      const target = findContainer(mode.ref);
      if (target.id === container.id) throw new EngineError('invalid', 'cannot join own network namespace');
    }
    return;
  }
  const primary = network.get(mode.ref);
  const requests = spec.network.endpoints;
  const own = requests[mode.ref] ?? requests[primary.name] ?? requests[primary.id];
  await network.join(primary.id, container, own);
  try {
    for (const [ref, req] of Object.entries(requests)) {
      const other = network.get(ref);
      if (other.id !== primary.id) await network.join(other.id, container, req);
    }
  } catch (err) {
    await network.leaveAll(container.id).catch(() => {});
    throw err;
  }
}

/** `-p` bindings plus, with -P, every exposed port on a free host port. */
export function portsToPublish(record: ContainerRecord): PortBinding[] {
  const net = record.spec.network;
  const ports = [...net.ports];
  if (net.publishAll) {
    for (const exposed of record.exposedPorts ?? []) {
      const [port = '', protocol = 'tcp'] = exposed.split('/');
      if (protocol !== 'tcp' && protocol !== 'udp') continue;
      const containerPort = Number(port);
      if (!ports.some((p) => p.containerPort === containerPort && p.protocol === protocol))
        ports.push({ containerPort, protocol, hostIp: '', hostPort: 0 });
    }
  }
  return ports;
}

export interface NetworkLaunch {
  /** the net namespace entry for the runtime spec; none: the host's */
  namespace?: Namespace;
  /** resolves once the namespace is wired; the container must not start before */
  ready?: Promise<void>;
}

/**
 * Networking for one start: leases and ports (bridge), /etc/hosts and
 * /etc/resolv.conf written for what was leased, and the namespace to use.
 */
export async function prepareNetwork(
  network: NetworkService,
  record: ContainerRecord,
  hostResolvConf: string,
  findContainer: (ref: string) => ContainerRecord,
): Promise<NetworkLaunch> {
  const net = record.spec.network;
  const mode = networkMode(net.mode);
  let addresses: string[] = [];
  let nameservers: string[] = [];
  // host: no namespace entry, the container stays in the host's
  let launch: NetworkLaunch = {};
  if (mode.kind === 'none') {
    // a new namespace made by the clone itself; the runtime brings its loopback up
    launch = { namespace: { type: 'network' } };
  } else if (mode.kind === 'container') {
    const target = findContainer(mode.ref);
    if (target.state.status !== 'running' && target.state.status !== 'paused')
      throw new EngineError('conflict', `cannot join network of a non running container: ${target.id}`);
    launch = { namespace: { type: 'network', path: `/proc/${target.state.pid}/ns/net` } };
  } else if (mode.kind === 'network') {
    const attachment = await network.up({ id: record.id, name: record.name }, portsToPublish(record));
    addresses = attachment.addresses;
    nameservers = attachment.nameservers;
    launch = { namespace: { type: 'network', path: attachment.netns }, ready: attachment.ready };
  }
  await writeHosts(record, addresses);
  await writeFile(
    record.resolvConfPath,
    resolvConfFile(hostResolvConf, net.dns.length > 0 ? net.dns : nameservers, {
      search: net.dnsSearch,
      options: net.dnsOptions,
    }),
  );
  return launch;
}

/**
 * /etc/hosts: the container's name on each of its addresses, beside `--add-host`. Rewritten in
 * place (same inode) on a live connect or disconnect, so the running container reads the change.
 */
export async function writeHosts(record: ContainerRecord, addresses: string[]): Promise<void> {
  await writeFile(record.hostsPath, hostsFile(record.hostname, addresses, record.spec.network.extraHosts));
}

/** The runtime spec with the net namespace this start uses in place of a new empty one. */
export function withNetNamespace(spec: RuntimeSpecInput, namespace: Namespace | undefined): RuntimeSpecInput {
  const others = (spec.linux?.namespaces ?? []).filter((n) => n.type !== 'network');
  return { ...spec, linux: { ...spec.linux, namespaces: namespace ? [...others, namespace] : others } };
}

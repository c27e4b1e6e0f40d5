import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { ipBatch, runTool } from './tool.ts';

/** Bridges and veth pairs: what the kernel holds for each network and endpoint. */

/** Names of every link in the host's namespace. */
export async function linkNames(): Promise<string[]> {
  const out = await runTool('ip', ['-j', 'link', 'show'], '');
  return (JSON.parse(out) as { ifname: string }[]).map((l) => l.ifname);
}

export interface BridgeConfig {
  name: string;
  /** gateway/prefix, e.g. 10.213.0.1/16 */
  address: string;
  mtu: number;
}

/**
 * The bridge with its gateway address, up. route_localnet lets a DNAT from
 * 127.0.0.1 (a published port reached on loopback) leave through it, as
 * Docker does for the same reason.
 */
export async function createBridge(b: BridgeConfig): Promise<void> {
  await ipBatch([
    `link add name ${b.name} mtu ${b.mtu} type bridge`,
    `addr add ${b.address} dev ${b.name}`,
    `link set ${b.name} up`,
  ]);
  await writeFile(`/proc/sys/net/ipv4/conf/${b.name}/route_localnet`, '1');
}

export async function deleteLinks(names: string[]): Promise<void> {
  if (names.length === 0) return;
  // -force: go on past links that are already gone (a netns that ended takes its veth pair along)
  await runTool('ip', ['-force', '-batch', '-'], `${names.map((n) => `link del ${n}`).join('\n')}\n`).catch(
    () => {},
  );
}

export interface EndpointConfig {
  bridge: string;
  mtu: number;
  hostIf: string;
  containerIf: string;
  mac: string;
  /** ip/prefix */
  address: string;
  /** set for the container's first network: its default route */
  gateway?: string;
}

function insideLines(e: EndpointConfig): string[] {
  return [
    `addr add ${e.address} dev ${e.containerIf}`,
    `link set ${e.containerIf} up`,
    ...(e.gateway ? [`route add default via ${e.gateway}`] : []),
  ];
}

/**
 * A new network namespace, bind-mounted at `path` for the container to join,
 * with its first interface: `unshare` makes it and runs one `ip -batch` in it
 * that creates the veth pair (the host end sent to the agent's namespace),
 * addresses it and sets the default route; one more batch puts the host end
 * on the bridge. Two processes, run before the container's own start so the
 * runtime takes its one-call path.
 */
export async function createNetns(path: string, e: EndpointConfig): Promise<void> {
  await writeFile(path, '', { mode: 0o444 });
  const lines = [
    'link set lo up',
    `link add ${e.containerIf} address ${e.mac} mtu ${e.mtu} type veth peer name ${e.hostIf} mtu ${e.mtu} netns ${process.pid}`,
    ...insideLines(e),
  ];
  await runTool('unshare', [`--net=${path}`, 'ip', '-batch', '-'], `${lines.join('\n')}\n`);
  await ipBatch([`link set ${e.hostIf} master ${e.bridge} up`]);
}

/** Unmounts and removes a namespace made by createNetns; gone already is fine. */
export async function removeNetns(path: string): Promise<void> {
  // most containers never had one (--network none, host, container:): no umount process for them
  if (!existsSync(path)) return;
  await runTool('umount', [path], '').catch(() => {});
  await rm(path, { force: true });
}

/**
 * One more interface in an existing namespace (a second network, or a
 * running container's `network connect`): the veth pair made with its peer
 * already inside (one host batch), then addressed there (one batch inside).
 */
export async function attachEndpoint(netns: string, e: EndpointConfig): Promise<void> {
  await ipBatch([
    `link add ${e.hostIf} mtu ${e.mtu} type veth peer name ${e.containerIf} address ${e.mac} mtu ${e.mtu} netns ${netns}`,
    `link set ${e.hostIf} master ${e.bridge} up`,
  ]);
  await ipBatch(insideLines(e), netns);
}

/** Subnets the host routes to, other than through `ours`: a new network must not overlap them. */
export async function hostRouteSubnets(ours: Set<string>): Promise<string[]> {
  const out = await runTool('ip', ['-j', '-4', 'route', 'show', 'table', 'all'], '');
  return (JSON.parse(out) as { dst: string; dev?: string; type?: string }[])
    .filter(
      (r) => r.dst !== 'default' && (r.type === undefined || r.type === 'unicast') && !ours.has(r.dev ?? ''),
    )
    .map((r) => (r.dst.includes('/') ? r.dst : `${r.dst}/32`));
}

import { writeFile } from 'node:fs/promises';
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

/**
 * A veth pair made with its peer already in the container's namespace (one
 * host-side batch), then the peer addressed and up inside it (one batch there).
 */
export async function attachEndpoint(pid: number, e: EndpointConfig): Promise<void> {
  await ipBatch([
    `link add ${e.hostIf} mtu ${e.mtu} type veth peer name ${e.containerIf} address ${e.mac} mtu ${e.mtu} netns ${pid}`,
    `link set ${e.hostIf} master ${e.bridge} up`,
  ]);
  await ipBatch(
    [
      'link set lo up',
      `addr add ${e.address} dev ${e.containerIf}`,
      `link set ${e.containerIf} up`,
      ...(e.gateway ? [`route add default via ${e.gateway}`] : []),
    ],
    pid,
  );
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

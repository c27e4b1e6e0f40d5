/** The hosts page's data: every host the caller may view, with what its agent last reported. */
import type { Db, Host } from '@berth/db';
import { type AccessCaller, listVisibleHostIds } from '../access/host-access.ts';
import { type Labels, labelsOf } from '../access/labels.ts';

type HostRow = Pick<
  Host,
  | 'id'
  | 'name'
  | 'hostname'
  | 'os'
  | 'kernel'
  | 'arch'
  | 'cpus'
  | 'memoryBytes'
  | 'agentVersion'
  | 'status'
  | 'lastSeenAt'
>;

/** JSON-safe over tRPC without a transformer: memory as a number (exact below 8 PiB), dates as ISO strings. */
export type HostSummary = Omit<HostRow, 'memoryBytes' | 'lastSeenAt'> & {
  memoryBytes: number;
  lastSeenAt: string | null;
  labels: Labels;
};

export async function listHosts(db: Db, caller: AccessCaller): Promise<HostSummary[]> {
  const visible = await listVisibleHostIds(caller);
  const hosts = await db.host.findMany({
    where: { id: { in: visible } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      name: true,
      hostname: true,
      os: true,
      kernel: true,
      arch: true,
      cpus: true,
      memoryBytes: true,
      agentVersion: true,
      status: true,
      lastSeenAt: true,
      labels: true,
    },
  });
  return hosts.map((host) => ({
    ...host,
    memoryBytes: Number(host.memoryBytes),
    lastSeenAt: host.lastSeenAt?.toISOString() ?? null,
    labels: labelsOf(host.labels),
  }));
}

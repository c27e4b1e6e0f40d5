/** The networks every host's agent reported (its state on connect, then on every network event). */
import type { Db } from '@berth/db';
import { type HostVisibility, keepVisible } from '../access/visible-hosts.ts';

export async function listNetworks(db: Db, input: { hostId?: string }, visible?: HostVisibility) {
  const rows = await db.hostNetwork.findMany({
    where: input.hostId ? { hostId: input.hostId } : {},
    orderBy: [{ hostId: 'asc' }, { name: 'asc' }],
    include: { host: { select: { name: true } } },
  });
  return (await keepVisible(rows, visible)).map(({ host, ...network }) => ({
    ...network,
    hostName: host.name,
  }));
}

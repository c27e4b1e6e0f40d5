/** The containers of every host, from what their agents last reported (no agent is asked). */
import type { Db, Prisma } from '@berth/db';
import { ContainerStatus } from '@berth/protocol';
import { z } from 'zod';
import { type HostVisibility, keepVisible } from '../access/visible-hosts.ts';

export const ListContainersInput = z.object({
  hostId: z.string().min(1).max(100).optional(),
  status: ContainerStatus.optional(),
  /** substring of the container's name or image */
  search: z.string().max(200).optional(),
  sort: z.enum(['name', 'host', 'image', 'status', 'createdAt']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.number().int().min(1).max(20_000).default(10_000),
});

export const ContainerRow = z.object({
  hostId: z.string(),
  hostName: z.string(),
  hostStatus: z.enum(['online', 'offline']),
  id: z.string(),
  name: z.string(),
  image: z.string(),
  command: z.string(),
  status: ContainerStatus,
  exitCode: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
});
export type ContainerRow = z.infer<typeof ContainerRow>;

/** `visible`: whether the caller may see a host; absent for internal callers (every host). */
export async function listContainers(
  db: Db,
  input: z.input<typeof ListContainersInput>,
  visible?: HostVisibility,
): Promise<ContainerRow[]> {
  const q = ListContainersInput.parse(input);
  const where: Prisma.HostContainerWhereInput = {
    ...(q.hostId ? { hostId: q.hostId } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.search
      ? {
          OR: [
            { name: { contains: q.search, mode: 'insensitive' } },
            { image: { contains: q.search, mode: 'insensitive' } },
          ],
        }
      : {}),
  };
  const orderBy: Prisma.HostContainerOrderByWithRelationInput[] =
    q.sort === 'host'
      ? [{ host: { name: q.order } }, { name: 'asc' }]
      : [{ [q.sort]: q.order }, { hostId: 'asc' }];
  const rows = await db.hostContainer.findMany({
    where,
    orderBy,
    take: q.limit,
    select: {
      hostId: true,
      id: true,
      name: true,
      image: true,
      command: true,
      status: true,
      exitCode: true,
      createdAt: true,
      startedAt: true,
      labels: true,
    },
  });
  // host names in one small query: joining them per row costs more than the rows themselves
  const hosts = new Map(
    (
      await db.host.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.hostId))] } },
        select: { id: true, name: true, status: true },
      })
    ).map((h) => [h.id, h]),
  );
  return (await keepVisible(rows, visible)).map((r) => ({
    ...r,
    hostName: hosts.get(r.hostId)?.name ?? '',
    hostStatus: hosts.get(r.hostId)?.status ?? 'offline',
    status: r.status as ContainerRow['status'],
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    labels: r.labels as Record<string, string>,
  }));
}

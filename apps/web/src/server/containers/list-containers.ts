/** The containers of every host, from what their agents last reported (no agent is asked). */
import { type Db, Prisma } from '@berth/db';
import { ContainerStatus, ContainerSummary, type HostStats } from '@berth/protocol';
import { z } from 'zod';
import { type HostVisibility, keepVisible } from '../access/visible-hosts.ts';
import type { ContainerListCache } from './container-list-cache.ts';

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
  ports: ContainerSummary.shape.ports,
  /** the host's name on the network, for links to published ports */
  hostAddress: z.string(),
  /** from the host's latest report while it runs (100 is one whole CPU); null otherwise */
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().int().nullable(),
});
export type ContainerRow = z.infer<typeof ContainerRow>;

/** ORDER BY per sort key; the second key keeps rows of equal value in a stable order */
const ORDER: Record<z.infer<typeof ListContainersInput>['sort'], string> = {
  name: 'c."name"',
  host: 'h."name"',
  image: 'c."image"',
  status: 'c."status"',
  createdAt: 'c."createdAt"',
};

/** Prisma stores DateTime as UTC `timestamp(3)`: this is `Date#toISOString()`'s form. */
const iso = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A row as stored; CPU and memory come from the hosts' latest reports. */
export type StoredContainerRow = Omit<ContainerRow, 'cpuPercent' | 'memoryBytes'>;

export interface ListOptions {
  /** whether the caller may see a host; absent for internal callers (every host) */
  visible?: HostVisibility;
  /** a host's latest report (kept in memory by the gateway, not stored) */
  reportOf?: (hostId: string) => HostStats | undefined;
  /** the stored rows per filter, until the stored state changes */
  cache?: ContainerListCache<StoredContainerRow>;
}

export async function listContainers(
  db: Db,
  input: z.input<typeof ListContainersInput>,
  { visible, reportOf, cache }: ListOptions = {},
): Promise<ContainerRow[]> {
  const q = ListContainersInput.parse(input);
  const load = () => storedRows(db, q);
  const stored = cache ? await cache.get(JSON.stringify(q), load) : await load();
  const rows = await keepVisible(stored, visible);
  const useByHost = new Map<string, Map<string, HostStats['containers'][number]>>();
  const reportedUse = (hostId: string, id: string) => {
    let use = useByHost.get(hostId);
    if (!use) {
      use = new Map((reportOf?.(hostId)?.containers ?? []).map((c) => [c.id, c]));
      useByHost.set(hostId, use);
    }
    return use.get(id);
  };
  return rows.map((row) => {
    const use = row.status === 'running' ? reportedUse(row.hostId, row.id) : undefined;
    return { ...row, cpuPercent: use?.cpuPercent ?? null, memoryBytes: use?.memoryBytes ?? null };
  });
}

/**
 * One query joining the host, with PostgreSQL writing the JSON: mapping 10,000 rows through the
 * ORM cost more than the query itself (bench/link-agents.ts lists 10,000).
 */
async function storedRows(db: Db, q: z.infer<typeof ListContainersInput>): Promise<StoredContainerRow[]> {
  const pattern = q.search ? `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const order = Prisma.raw(
    `${ORDER[q.sort]} ${q.order === 'desc' ? 'DESC' : 'ASC'}, ${q.sort === 'host' ? 'c."name" ASC' : 'c."hostId" ASC'}`,
  );
  const [result] = await db.$queryRaw<{ rows: string }[]>`
    SELECT coalesce(json_agg(r), '[]')::text AS rows FROM (
      SELECT c."hostId", h."name" AS "hostName", h."status"::text AS "hostStatus", c."id", c."name",
             c."image", c."command", c."status", c."exitCode",
             ${Prisma.raw(iso('c."createdAt"'))} AS "createdAt",
             ${Prisma.raw(iso('c."startedAt"'))} AS "startedAt",
             c."labels", c."ports", h."hostname" AS "hostAddress"
        FROM "HostContainer" c JOIN "Host" h ON h."id" = c."hostId"
       WHERE (${q.hostId ?? null}::text IS NULL OR c."hostId" = ${q.hostId ?? null})
         AND (${q.status ?? null}::text IS NULL OR c."status" = ${q.status ?? null})
         AND (${pattern}::text IS NULL OR c."name" ILIKE ${pattern} OR c."image" ILIKE ${pattern})
       ORDER BY ${order}
       LIMIT ${q.limit}
    ) r`;
  return JSON.parse(result?.rows ?? '[]') as StoredContainerRow[];
}

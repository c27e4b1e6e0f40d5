/** The audit log, newest first, filtered and paginated by a cursor (the last id seen). */
import type { AuditResult, Db, Prisma } from '@berth/db';

interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  hostId?: string | undefined;
  result?: AuditResult | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listAudit(db: Db, filter: AuditFilter) {
  const where: Prisma.AuditLogWhereInput = {
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.hostId ? { OR: [{ hostId: filter.hostId }, { target: filter.hostId }] } : {}),
    ...(filter.result ? { result: filter.result } : {}),
    ...(filter.since || filter.until
      ? {
          at: {
            ...(filter.since ? { gte: filter.since } : {}),
            ...(filter.until ? { lt: filter.until } : {}),
          },
        }
      : {}),
  };
  const rows = await db.auditLog.findMany({
    where,
    // ids are UUIDv7, so they sort like `at` and break its ties.
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: filter.limit + 1,
    ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      at: true,
      actorKind: true,
      actor: true,
      action: true,
      hostId: true,
      target: true,
      result: true,
      detail: true,
    },
  });
  const page = rows.slice(0, filter.limit);
  return {
    entries: page.map((r) => ({ ...r, at: r.at.toISOString() })),
    nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** Appends to the audit log. Every change a user or a host makes goes through here. */
import type { Db, Prisma } from '@berth/db';

export type AuditEntry = Omit<Prisma.AuditLogUncheckedCreateInput, 'id' | 'at'>;

export async function recordAudit(db: Db | Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({ data: entry });
}

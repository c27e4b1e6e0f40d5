/** The audit record of a change a user made successfully (refusals: record-failure.ts). */
import type { Db, Prisma } from '@berth/db';
import type { AccessCaller } from '../access/host-access.ts';
import { type AuditEntry, recordAudit } from './record-audit.ts';

export function recordUserChange(
  db: Db | Prisma.TransactionClient,
  caller: Pick<AccessCaller, 'id' | 'username'>,
  entry: Pick<AuditEntry, 'action' | 'hostId' | 'target' | 'detail'>,
): Promise<void> {
  return recordAudit(db, {
    actorKind: 'user',
    actor: caller.username,
    actorUserId: caller.id,
    result: 'success',
    ...entry,
  });
}

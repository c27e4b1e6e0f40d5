import type { Db, Prisma } from '@berth/db';
import { ServiceError } from '../errors.ts';
import { recordAudit } from './record-audit.ts';

export interface Actor {
  id: string;
  username: string;
}

/** Runs a change on a host and records it in the audit log, whether it worked or not. */
export async function audited<T>(
  db: Db,
  entry: { actor: Actor; action: string; hostId: string; target: string; detail?: Prisma.InputJsonObject },
  change: () => Promise<T>,
): Promise<T> {
  const base = {
    actorKind: 'user' as const,
    actor: entry.actor.username,
    actorUserId: entry.actor.id,
    action: entry.action,
    hostId: entry.hostId,
    target: entry.target,
  };
  try {
    const result = await change();
    await recordAudit(db, { ...base, result: 'success', detail: entry.detail ?? {} });
    return result;
  } catch (err) {
    const error = err instanceof ServiceError ? err.message : 'internal error';
    await recordAudit(db, { ...base, result: 'failure', detail: { ...entry.detail, error } });
    throw err;
  }
}

import type { Db, Prisma } from '@berth/db';
import { ServiceError } from '../errors.ts';
import { recordAudit } from './record-audit.ts';

export interface Actor {
  id: string;
  username: string;
}

type AuditedChange = {
  actor: Actor;
  action: string;
  hostId: string;
  target: string;
  detail?: Prisma.InputJsonObject;
};

/** Records how a change on a host went: success, or failure with the error a user may see. */
export async function recordOutcome(
  db: Db,
  entry: AuditedChange,
  failure?: { error: unknown },
): Promise<void> {
  const base = {
    actorKind: 'user' as const,
    actor: entry.actor.username,
    actorUserId: entry.actor.id,
    action: entry.action,
    hostId: entry.hostId,
    target: entry.target,
  };
  if (!failure) {
    await recordAudit(db, { ...base, result: 'success', detail: entry.detail ?? {} });
    return;
  }
  const error = failure.error instanceof ServiceError ? failure.error.message : 'internal error';
  await recordAudit(db, { ...base, result: 'failure', detail: { ...entry.detail, error } });
}

/** Runs a change on a host and records it in the audit log, whether it worked or not. */
export async function audited<T>(db: Db, entry: AuditedChange, change: () => Promise<T>): Promise<T> {
  try {
    const result = await change();
    await recordOutcome(db, entry);
    return result;
  } catch (err) {
    await recordOutcome(db, entry, { error: err });
    throw err;
  }
}

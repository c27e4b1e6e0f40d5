/** One-time join tokens: an agent presents one in its first hello and receives a host credential. */
import type { Db } from '@berth/db';
import { recordAudit } from '../audit/record-audit.ts';
import { hashSecret, newSecret } from '../auth/secret-token.ts';

export interface CreateJoinTokenInput {
  /** null when the system makes it (npm start's local agent). */
  createdBy: { id: string; username: string } | null;
  ttlMs: number;
  note?: string;
}

export async function createJoinToken(
  db: Db,
  input: CreateJoinTokenInput,
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = newSecret('join');
  const expiresAt = new Date(Date.now() + input.ttlMs);
  const created = await db.joinToken.create({
    data: {
      tokenHash: hashSecret(token),
      expiresAt,
      createdById: input.createdBy?.id ?? null,
      note: input.note ?? null,
    },
  });
  await recordAudit(db, {
    actorKind: input.createdBy ? 'user' : 'system',
    actor: input.createdBy?.username ?? 'system',
    actorUserId: input.createdBy?.id ?? null,
    action: 'join-token.create',
    target: created.id,
    result: 'success',
    detail: { expiresAt: expiresAt.toISOString(), note: input.note ?? null },
  });
  return { id: created.id, token, expiresAt };
}

/** The audit record of a refused or failed change: who tried what, on which host, and why it failed. */
import type { TRPCError } from '@trpc/server';
import type { AccessCaller } from '../access/host-access.ts';
import type { Deps } from '../deps.ts';
import { recordAudit } from './record-audit.ts';

export async function recordFailedChange(
  deps: Deps,
  caller: AccessCaller,
  attempt: { action: string; input: unknown; error: TRPCError },
): Promise<void> {
  const input =
    attempt.input && typeof attempt.input === 'object' ? (attempt.input as Record<string, unknown>) : {};
  const named = typeof input.hostId === 'string' ? input.hostId : undefined;
  // The host column is a foreign key: an unknown host id is kept as the target instead.
  const host = named
    ? await deps.db.host.findUnique({ where: { id: named }, select: { id: true } }).catch(() => null)
    : null;
  try {
    await recordAudit(deps.db, {
      actorKind: 'user',
      actor: caller.username,
      actorUserId: caller.id,
      action: attempt.action,
      hostId: host?.id ?? null,
      target: host ? null : (named ?? null),
      result: 'failure',
      detail: { code: attempt.error.code, message: attempt.error.message },
    });
  } catch (err) {
    deps.log(
      `audit of failed ${attempt.action} by ${caller.username} not written: ${(err as Error).message}`,
    );
  }
}

import { recordAudit } from '../audit/record-audit.ts';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { hashSecret } from './secret-token.ts';
import type { SessionUser } from './sessions.ts';

export async function changePassword(
  deps: Deps,
  user: SessionUser,
  input: { currentPassword: string; newPassword: string; keepSessionToken?: string | undefined },
): Promise<void> {
  const stored = await deps.db.user.findUniqueOrThrow({
    where: { id: user.id },
    select: { passwordHash: true },
  });
  if (!(await verifyPassword(stored.passwordHash, input.currentPassword))) {
    // 'invalid', not 'unauthorized': the session is fine, only this input is wrong.
    throw new ServiceError('invalid', 'The current password is wrong.');
  }
  await deps.db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(input.newPassword) },
  });
  // Whoever knew the old password is logged out everywhere but here.
  await deps.db.session.deleteMany({
    where: {
      userId: user.id,
      ...(input.keepSessionToken ? { NOT: { tokenHash: hashSecret(input.keepSessionToken) } } : {}),
    },
  });
  await recordAudit(deps.db, {
    actorKind: 'user',
    actor: user.username,
    actorUserId: user.id,
    action: 'user.change-password',
    target: user.username,
    result: 'success',
  });
}

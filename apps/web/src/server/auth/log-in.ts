/** Password login: throttled per client address and per username, constant-time for unknown users. */
import { recordAudit } from '../audit/record-audit.ts';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';
import { decoyHash, verifyPassword } from './password.ts';
import { createSession, type SessionUser } from './sessions.ts';

export interface LogInInput {
  username: string;
  password: string;
  ip: string;
  userAgent?: string | undefined;
}

export async function logIn(
  deps: Deps,
  input: LogInInput,
): Promise<{ user: SessionUser; token: string; expiresAt: Date }> {
  const keys = [`ip:${input.ip}`, `user:${input.username.toLowerCase()}`];
  const wait = deps.loginLimiter.retryAfterSeconds(keys);
  if (wait > 0) {
    throw new ServiceError('rate-limited', `Too many failed logins. Try again in ${wait} s.`, {
      retryAfterSeconds: wait,
    });
  }
  const user = await deps.db.user.findUnique({
    where: { username: input.username },
    select: { id: true, username: true, role: true, passwordHash: true, disabledAt: true },
  });
  const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), input.password);
  if (!user || !ok) {
    deps.loginLimiter.recordFailure(keys);
    deps.log(`login failed for ${JSON.stringify(input.username)} from ${input.ip}`);
    throw new ServiceError('unauthorized', 'Wrong username or password.');
  }
  if (user.disabledAt) throw new ServiceError('unauthorized', 'This account is disabled.');
  deps.loginLimiter.reset(`user:${input.username.toLowerCase()}`);
  const session = await createSession(deps.db, {
    userId: user.id,
    lifetimeMs: deps.config.BERTH_SESSION_HOURS * 3_600_000,
    userAgent: input.userAgent,
    ip: input.ip,
  });
  await recordAudit(deps.db, {
    actorKind: 'user',
    actor: user.username,
    actorUserId: user.id,
    action: 'user.login',
    result: 'success',
    detail: { ip: input.ip },
  });
  return { user: { id: user.id, username: user.username, role: user.role }, ...session };
}

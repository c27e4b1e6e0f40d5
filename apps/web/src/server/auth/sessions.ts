/** Login sessions: a random cookie token, stored as its SHA-256, expiring after a period without use. */
import type { Db, User } from '@berth/db';
import { hashSecret, newSecret } from './secret-token.ts';

export const SESSION_COOKIE = 'berth_session';

/** Sliding expiry is written at most this often, so page loads are not all database writes. */
const TOUCH_INTERVAL_MS = 10 * 60_000;

export type SessionUser = Pick<User, 'id' | 'username' | 'role'>;

export async function createSession(
  db: Db,
  input: { userId: string; lifetimeMs: number; userAgent?: string | undefined; ip?: string | undefined },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret('session');
  const expiresAt = new Date(Date.now() + input.lifetimeMs);
  await db.session.create({
    data: {
      tokenHash: hashSecret(token),
      userId: input.userId,
      expiresAt,
      userAgent: input.userAgent?.slice(0, 300),
      ip: input.ip,
    },
  });
  return { token, expiresAt };
}

/** The user behind a session token, or undefined when the token is unknown or expired. */
export async function resolveSession(
  db: Db,
  token: string | undefined,
  lifetimeMs: number,
): Promise<SessionUser | undefined> {
  if (!token) return undefined;
  const session = await db.session.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: {
      id: true,
      expiresAt: true,
      lastSeenAt: true,
      user: { select: { id: true, username: true, role: true, disabledAt: true } },
    },
  });
  if (!session || session.user.disabledAt) return undefined;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    await db.session.deleteMany({ where: { id: session.id } });
    return undefined;
  }
  if (now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.update({
      where: { id: session.id },
      data: { lastSeenAt: new Date(now), expiresAt: new Date(now + lifetimeMs) },
    });
  }
  const { id, username, role } = session.user;
  return { id, username, role };
}

/** "Log out everywhere": every session of the user ends (API tokens are revoked separately). */
export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { userId } });
  return count;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashSecret(token) } });
}

/** Expired sessions are otherwise only removed when presented; the control plane sweeps hourly. */
export async function purgeExpiredSessions(db: Db): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
  return count;
}

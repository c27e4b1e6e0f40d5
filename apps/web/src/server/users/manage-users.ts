/** Account management for admins: create, change role, disable/enable, delete, reset password. */
import type { Db, Role } from '@berth/db';
import type { AccessCaller } from '../access/host-access.ts';
import { recordUserChange } from '../audit/record-user-change.ts';
import { hashPassword } from '../auth/password.ts';
import { ServiceError } from '../errors.ts';

const USER_FIELDS = { id: true, username: true, role: true, createdAt: true, disabledAt: true } as const;

interface UserSummary {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
}

function summarize(row: {
  id: string;
  username: string;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
}) {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
  };
}

async function findUser(db: Db, userId: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: USER_FIELDS });
  if (!user) throw new ServiceError('not-found', `no user ${userId}`);
  return user;
}

/** Refuses a change that would leave no enabled admin (nobody could manage Berth any more). */
async function keepAnAdmin(db: Db, userId: string): Promise<void> {
  const others = await db.user.count({ where: { role: 'admin', disabledAt: null, NOT: { id: userId } } });
  if (others === 0)
    throw new ServiceError('conflict', 'this is the last enabled admin; make another admin first');
}

export async function listUsers(db: Db): Promise<UserSummary[]> {
  return (await db.user.findMany({ orderBy: { username: 'asc' }, select: USER_FIELDS })).map(summarize);
}

export async function createUser(
  db: Db,
  caller: AccessCaller,
  input: { username: string; password: string; role: Role },
): Promise<UserSummary> {
  if (await db.user.findUnique({ where: { username: input.username }, select: { id: true } })) {
    throw new ServiceError('conflict', `a user named ${JSON.stringify(input.username)} already exists`);
  }
  const user = await db.user.create({
    data: { username: input.username, role: input.role, passwordHash: await hashPassword(input.password) },
    select: USER_FIELDS,
  });
  await recordUserChange(db, caller, {
    action: 'user.create',
    target: user.username,
    detail: { role: user.role },
  });
  return summarize(user);
}

export async function setUserRole(db: Db, caller: AccessCaller, input: { userId: string; role: Role }) {
  const user = await findUser(db, input.userId);
  if (user.role === 'admin' && input.role !== 'admin') await keepAnAdmin(db, user.id);
  const updated = await db.user.update({
    where: { id: user.id },
    data: { role: input.role },
    select: USER_FIELDS,
  });
  await recordUserChange(db, caller, {
    action: 'user.set-role',
    target: user.username,
    detail: { from: user.role, to: input.role },
  });
  return summarize(updated);
}

/** A disabled account cannot log in, its sessions end and its API tokens stop working. */
export async function setUserDisabled(
  db: Db,
  caller: AccessCaller,
  input: { userId: string; disabled: boolean },
) {
  const user = await findUser(db, input.userId);
  if (input.disabled && user.role === 'admin') await keepAnAdmin(db, user.id);
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.user.update({
      where: { id: user.id },
      data: { disabledAt: input.disabled ? (user.disabledAt ?? new Date()) : null },
      select: USER_FIELDS,
    });
    if (input.disabled) await tx.session.deleteMany({ where: { userId: user.id } });
    await recordUserChange(tx, caller, {
      action: input.disabled ? 'user.disable' : 'user.enable',
      target: user.username,
    });
    return row;
  });
  return summarize(updated);
}

export async function deleteUser(db: Db, caller: AccessCaller, input: { userId: string }) {
  const user = await findUser(db, input.userId);
  if (user.role === 'admin') await keepAnAdmin(db, user.id);
  await db.$transaction(async (tx) => {
    await tx.user.delete({ where: { id: user.id } });
    await recordUserChange(tx, caller, {
      action: 'user.delete',
      target: user.username,
    });
  });
  return { id: user.id };
}

/** Sets a new password and ends the user's sessions (their API tokens are left alone). */
export async function resetUserPassword(
  db: Db,
  caller: AccessCaller,
  input: { userId: string; newPassword: string },
) {
  const user = await findUser(db, input.userId);
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId: user.id } });
    await recordUserChange(tx, caller, {
      action: 'user.reset-password',
      target: user.username,
    });
  });
  return { id: user.id };
}

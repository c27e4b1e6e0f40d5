/** Grants: a role on a host group for one user or one team, with per-capability adjustments. */
import type { Capability, Db, Role } from '@berth/db';
import { recordUserChange } from '../audit/record-user-change.ts';
import { ServiceError } from '../errors.ts';
import type { AccessCaller } from './host-access.ts';

const GRANT_FIELDS = {
  id: true,
  hostGroupId: true,
  userId: true,
  teamId: true,
  role: true,
  add: true,
  remove: true,
} as const;

interface GrantInput {
  hostGroupId: string;
  /** exactly one of userId and teamId */
  userId?: string | undefined;
  teamId?: string | undefined;
  role: Role;
  add: Capability[];
  remove: Capability[];
}

export async function listGrants(
  db: Db,
  filter: { userId?: string | undefined; teamId?: string | undefined; hostGroupId?: string | undefined },
) {
  return db.grant.findMany({ where: filter, orderBy: { createdAt: 'asc' }, select: GRANT_FIELDS });
}

export async function createGrant(db: Db, caller: AccessCaller, input: GrantInput) {
  if (Boolean(input.userId) === Boolean(input.teamId)) {
    throw new ServiceError('invalid', 'a grant is for exactly one of userId and teamId');
  }
  const group = await db.hostGroup.findUnique({ where: { id: input.hostGroupId }, select: { name: true } });
  if (!group) throw new ServiceError('not-found', `no host group ${input.hostGroupId}`);
  const grantee = input.userId
    ? await db.user.findUnique({ where: { id: input.userId }, select: { username: true } })
    : await db.team.findUnique({ where: { id: input.teamId ?? '' }, select: { name: true } });
  if (!grantee)
    throw new ServiceError(
      'not-found',
      `no ${input.userId ? 'user' : 'team'} ${input.userId ?? input.teamId}`,
    );
  const grant = await db.grant.create({
    data: {
      hostGroupId: input.hostGroupId,
      userId: input.userId ?? null,
      teamId: input.teamId ?? null,
      role: input.role,
      add: input.add,
      remove: input.remove,
    },
    select: GRANT_FIELDS,
  });
  await recordUserChange(db, caller, {
    action: 'grant.create',
    target: grant.id,
    detail: {
      hostGroup: group.name,
      grantee: 'username' in grantee ? { user: grantee.username } : { team: grantee.name },
      role: grant.role,
      add: grant.add,
      remove: grant.remove,
    },
  });
  return grant;
}

export async function deleteGrant(db: Db, caller: AccessCaller, input: { grantId: string }) {
  const grant = await db.grant.findUnique({ where: { id: input.grantId }, select: GRANT_FIELDS });
  if (!grant) throw new ServiceError('not-found', `no grant ${input.grantId}`);
  await db.grant.delete({ where: { id: grant.id } });
  await recordUserChange(db, caller, {
    action: 'grant.delete',
    target: grant.id,
    detail: { ...grant },
  });
  return { id: grant.id };
}

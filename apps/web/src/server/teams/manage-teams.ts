/** Teams: named sets of users that grants can be given to. */
import type { Db } from '@berth/db';
import type { AccessCaller } from '../access/host-access.ts';
import { recordUserChange } from '../audit/record-user-change.ts';
import { ServiceError } from '../errors.ts';

export async function listTeams(db: Db) {
  const teams = await db.team.findMany({
    orderBy: { name: 'asc' },
    select: { id: true, name: true, members: { select: { user: { select: { id: true, username: true } } } } },
  });
  return teams.map((t) => ({ id: t.id, name: t.name, members: t.members.map((m) => m.user) }));
}

export async function createTeam(db: Db, caller: AccessCaller, input: { name: string }) {
  if (await db.team.findUnique({ where: { name: input.name }, select: { id: true } })) {
    throw new ServiceError('conflict', `a team named ${JSON.stringify(input.name)} already exists`);
  }
  const team = await db.team.create({ data: { name: input.name }, select: { id: true, name: true } });
  await recordUserChange(db, caller, {
    action: 'team.create',
    target: team.name,
  });
  return team;
}

async function findTeam(db: Db, teamId: string) {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { id: true, name: true } });
  if (!team) throw new ServiceError('not-found', `no team ${teamId}`);
  return team;
}

export async function deleteTeam(db: Db, caller: AccessCaller, input: { teamId: string }) {
  const team = await findTeam(db, input.teamId);
  await db.team.delete({ where: { id: team.id } });
  await recordUserChange(db, caller, {
    action: 'team.delete',
    target: team.name,
  });
  return { id: team.id };
}

export async function setTeamMember(
  db: Db,
  caller: AccessCaller,
  input: { teamId: string; userId: string; member: boolean },
) {
  const team = await findTeam(db, input.teamId);
  const user = await db.user.findUnique({
    where: { id: input.userId },
    select: { id: true, username: true },
  });
  if (!user) throw new ServiceError('not-found', `no user ${input.userId}`);
  const key = { teamId_userId: { teamId: team.id, userId: user.id } };
  if (input.member)
    await db.teamMember.upsert({ where: key, create: { teamId: team.id, userId: user.id }, update: {} });
  else await db.teamMember.deleteMany({ where: { teamId: team.id, userId: user.id } });
  await recordUserChange(db, caller, {
    action: input.member ? 'team.add-member' : 'team.remove-member',
    target: team.name,
    detail: { user: user.username },
  });
  return { teamId: team.id, userId: user.id, member: input.member };
}

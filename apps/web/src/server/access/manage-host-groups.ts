/** Host groups: explicit members plus an optional label selector (see schema.prisma). */
import type { Db } from '@berth/db';
import { recordUserChange } from '../audit/record-user-change.ts';
import { ServiceError } from '../errors.ts';
import type { AccessCaller } from './host-access.ts';
import { type Labels, labelsOf } from './labels.ts';

const GROUP_FIELDS = {
  id: true,
  name: true,
  matchLabels: true,
  hosts: { select: { hostId: true } },
} as const;

function summarize(group: { id: string; name: string; matchLabels: unknown; hosts: { hostId: string }[] }) {
  return {
    id: group.id,
    name: group.name,
    matchLabels: labelsOf(group.matchLabels),
    hostIds: group.hosts.map((h) => h.hostId),
  };
}

async function findGroup(db: Db, hostGroupId: string) {
  const group = await db.hostGroup.findUnique({ where: { id: hostGroupId }, select: GROUP_FIELDS });
  if (!group) throw new ServiceError('not-found', `no host group ${hostGroupId}`);
  return group;
}

export async function listHostGroups(db: Db) {
  return (await db.hostGroup.findMany({ orderBy: { name: 'asc' }, select: GROUP_FIELDS })).map(summarize);
}

export async function createHostGroup(
  db: Db,
  caller: AccessCaller,
  input: { name: string; matchLabels: Labels; hostIds: string[] },
) {
  if (await db.hostGroup.findUnique({ where: { name: input.name }, select: { id: true } })) {
    throw new ServiceError('conflict', `a host group named ${JSON.stringify(input.name)} already exists`);
  }
  const known = await db.host.count({ where: { id: { in: input.hostIds } } });
  if (known !== new Set(input.hostIds).size)
    throw new ServiceError('not-found', 'hostIds names an unknown host');
  const group = await db.hostGroup.create({
    data: {
      name: input.name,
      matchLabels: input.matchLabels,
      hosts: { create: [...new Set(input.hostIds)].map((hostId) => ({ hostId })) },
    },
    select: GROUP_FIELDS,
  });
  await recordUserChange(db, caller, {
    action: 'host-group.create',
    target: group.name,
    detail: { matchLabels: input.matchLabels, hostIds: input.hostIds },
  });
  return summarize(group);
}

export async function setHostGroupMember(
  db: Db,
  caller: AccessCaller,
  input: { hostGroupId: string; hostId: string; member: boolean },
) {
  const group = await findGroup(db, input.hostGroupId);
  if (!(await db.host.findUnique({ where: { id: input.hostId }, select: { id: true } }))) {
    throw new ServiceError('not-found', `no host ${input.hostId}`);
  }
  const key = { hostGroupId_hostId: { hostGroupId: group.id, hostId: input.hostId } };
  if (input.member) {
    await db.hostGroupHost.upsert({
      where: key,
      create: { hostGroupId: group.id, hostId: input.hostId },
      update: {},
    });
  } else await db.hostGroupHost.deleteMany({ where: { hostGroupId: group.id, hostId: input.hostId } });
  await recordUserChange(db, caller, {
    action: input.member ? 'host-group.add-host' : 'host-group.remove-host',
    hostId: input.hostId,
    target: group.name,
  });
  return summarize(await findGroup(db, group.id));
}

export async function deleteHostGroup(db: Db, caller: AccessCaller, input: { hostGroupId: string }) {
  const group = await findGroup(db, input.hostGroupId);
  await db.hostGroup.delete({ where: { id: group.id } });
  await recordUserChange(db, caller, {
    action: 'host-group.delete',
    target: group.name,
  });
  return { id: group.id };
}

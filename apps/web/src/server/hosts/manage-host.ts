/** Renaming, labelling and removing a host (callers have checked the `manage` capability). */
import type { Db } from '@berth/db';
import type { AccessCaller } from '../access/host-access.ts';
import type { Labels } from '../access/labels.ts';
import { recordUserChange } from '../audit/record-user-change.ts';
import { ServiceError } from '../errors.ts';

async function findHost(db: Db, hostId: string) {
  const host = await db.host.findUnique({
    where: { id: hostId },
    select: { id: true, name: true, labels: true },
  });
  if (!host) throw new ServiceError('not-found', `no host ${hostId}`);
  return host;
}

export async function renameHost(db: Db, caller: AccessCaller, input: { hostId: string; name: string }) {
  const host = await findHost(db, input.hostId);
  await db.host.update({ where: { id: host.id }, data: { name: input.name } });
  await recordUserChange(db, caller, {
    action: 'host.rename',
    hostId: host.id,
    detail: { from: host.name, to: input.name },
  });
  return { id: host.id, name: input.name };
}

export async function setHostLabels(db: Db, caller: AccessCaller, input: { hostId: string; labels: Labels }) {
  const host = await findHost(db, input.hostId);
  await db.host.update({ where: { id: host.id }, data: { labels: input.labels } });
  await recordUserChange(db, caller, {
    action: 'host.set-labels',
    hostId: host.id,
    detail: { from: host.labels ?? {}, to: input.labels },
  });
  return { id: host.id, labels: input.labels };
}

/**
 * Forget a host: its row, its credential (the agent can no longer reconnect) and its group
 * memberships. The audit record keeps the id as its target, since the host column is cleared.
 */
export async function removeHost(db: Db, caller: AccessCaller, input: { hostId: string }) {
  const host = await findHost(db, input.hostId);
  await db.$transaction(async (tx) => {
    await tx.host.delete({ where: { id: host.id } });
    await recordUserChange(tx, caller, {
      action: 'host.remove',
      target: host.id,
      detail: { name: host.name },
    });
  });
  return { id: host.id };
}

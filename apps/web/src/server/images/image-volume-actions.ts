/** Images and volumes on one host through its link: lists from the stored state, changes audited. */
import type { Readable } from 'node:stream';
import type { Db } from '@berth/db';
import { type HostVisibility, keepVisible } from '../access/visible-hosts.ts';
import { type Actor, audited } from '../audit/audited.ts';
import type { Deps } from '../deps.ts';

type D = Pick<Deps, 'db' | 'gateway'>;

export async function listImages(db: Db, input: { hostId?: string }, visible?: HostVisibility) {
  const rows = await db.hostImage.findMany({
    where: input.hostId ? { hostId: input.hostId } : {},
    orderBy: [{ hostId: 'asc' }, { createdAt: 'desc' }],
    include: { host: { select: { name: true } } },
  });
  return (await keepVisible(rows, visible)).map(({ host, ...i }) => ({
    ...i,
    hostName: host.name,
    sizeBytes: Number(i.sizeBytes),
    createdAt: i.createdAt.toISOString(),
  }));
}

export async function listVolumes(db: Db, input: { hostId?: string }, visible?: HostVisibility) {
  const rows = await db.hostVolume.findMany({
    where: input.hostId ? { hostId: input.hostId } : {},
    orderBy: [{ hostId: 'asc' }, { name: 'asc' }],
    include: { host: { select: { name: true } } },
  });
  return (await keepVisible(rows, visible)).map(({ host, ...v }) => ({
    ...v,
    hostName: host.name,
    createdAt: v.createdAt.toISOString(),
    labels: v.labels as Record<string, string>,
  }));
}

export async function removeImage(
  deps: D,
  actor: Actor,
  input: { hostId: string; ref: string; force: boolean },
) {
  const { hostId, ref, force } = input;
  return await audited(
    deps.db,
    { actor, action: 'image.remove', hostId, target: ref, detail: { force } },
    () => deps.gateway.call(hostId, 'images.remove', { ref, force }, { timeoutMs: 120_000 }),
  );
}

export async function pruneImages(deps: D, actor: Actor, input: { hostId: string; all: boolean }) {
  const { hostId, all } = input;
  return await audited(
    deps.db,
    { actor, action: 'image.prune', hostId, target: hostId, detail: { all } },
    () => deps.gateway.call(hostId, 'images.prune', { all }, { timeoutMs: 300_000 }),
  );
}

/** Streams a `docker save` tarball to the host, as fast as the host takes it. */
export async function loadImage(deps: D, actor: Actor, input: { hostId: string; archive: Readable }) {
  const { hostId } = input;
  return await audited(deps.db, { actor, action: 'image.load', hostId, target: hostId }, async () => {
    const stream = await deps.gateway.stream(hostId, 'images.load', {});
    for await (const chunk of input.archive) await stream.write(Buffer.from(chunk as Buffer));
    stream.endInput();
    return await stream.result;
  });
}

export async function createVolume(
  deps: D,
  actor: Actor,
  input: { hostId: string; name?: string; labels: Record<string, string> },
) {
  const { hostId, ...volume } = input;
  return await audited(
    deps.db,
    { actor, action: 'volume.create', hostId, target: volume.name ?? '(anonymous)' },
    () => deps.gateway.call(hostId, 'volumes.create', volume),
  );
}

export async function removeVolume(
  deps: D,
  actor: Actor,
  input: { hostId: string; name: string; force: boolean },
) {
  const { hostId, name, force } = input;
  await audited(deps.db, { actor, action: 'volume.remove', hostId, target: name, detail: { force } }, () =>
    deps.gateway.call(hostId, 'volumes.remove', { name, force }),
  );
}

export async function pruneVolumes(deps: D, actor: Actor, input: { hostId: string }) {
  const { hostId } = input;
  return await audited(deps.db, { actor, action: 'volume.prune', hostId, target: hostId }, () =>
    deps.gateway.call(hostId, 'volumes.prune', {}, { timeoutMs: 300_000 }),
  );
}

/**
 * The database copy of what each agent reports: a full report replaces a host's rows (so whatever
 * vanished while it was away disappears), an update changes only what it names.
 */
import type { Db, Prisma } from '@berth/db';
import type {
  ContainerSummary,
  HostState,
  HostStateUpdate,
  ImageSummary,
  NetworkSummary,
  VolumeSummary,
} from '@berth/protocol';
import type { HostStateKind } from './host-feed.ts';

type Tx = Prisma.TransactionClient;

const date = (iso: string | null) => (iso === null ? null : new Date(iso));

function containerRow(hostId: string, c: ContainerSummary) {
  return {
    hostId,
    id: c.id,
    name: c.name,
    image: c.image,
    imageId: c.imageId,
    command: c.command,
    status: c.status,
    exitCode: c.exitCode,
    createdAt: new Date(c.createdAt),
    startedAt: date(c.startedAt),
    finishedAt: date(c.finishedAt),
    labels: c.labels,
    ports: c.ports,
  };
}

async function replaceImages(tx: Tx, hostId: string, images: ImageSummary[]) {
  await tx.hostImage.deleteMany({ where: { hostId } });
  await tx.hostImage.createMany({
    data: images.map((i) => ({
      hostId,
      id: i.id,
      repoTags: i.repoTags,
      sizeBytes: BigInt(i.sizeBytes),
      createdAt: new Date(i.createdAt),
    })),
  });
}

async function replaceVolumes(tx: Tx, hostId: string, volumes: VolumeSummary[]) {
  await tx.hostVolume.deleteMany({ where: { hostId } });
  await tx.hostVolume.createMany({
    data: volumes.map((v) => ({ hostId, ...v, createdAt: new Date(v.createdAt) })),
  });
}

async function replaceNetworks(tx: Tx, hostId: string, networks: NetworkSummary[]) {
  await tx.hostNetwork.deleteMany({ where: { hostId } });
  await tx.hostNetwork.createMany({ data: networks.map((n) => ({ hostId, ...n })) });
}

export async function replaceHostState(db: Db, hostId: string, state: HostState): Promise<HostStateKind[]> {
  await db.$transaction(async (tx) => {
    await tx.hostContainer.deleteMany({ where: { hostId } });
    await tx.hostContainer.createMany({ data: state.containers.map((c) => containerRow(hostId, c)) });
    await replaceImages(tx, hostId, state.images);
    await replaceVolumes(tx, hostId, state.volumes);
    await replaceNetworks(tx, hostId, state.networks);
  });
  return ['containers', 'images', 'volumes', 'networks'];
}

export async function applyHostStateUpdate(
  db: Db,
  hostId: string,
  update: HostStateUpdate,
): Promise<HostStateKind[]> {
  const kinds: HostStateKind[] = [];
  // the periodic stats report alone (kept in memory by the gateway): nothing to store
  const { containers, images, volumes, networks, events } = update;
  if (!containers && !images && !volumes && !networks && events.length === 0) return kinds;
  await db.$transaction(async (tx) => {
    if (update.containers) {
      kinds.push('containers');
      const { upsert, remove } = update.containers;
      if (remove.length > 0) await tx.hostContainer.deleteMany({ where: { hostId, id: { in: remove } } });
      for (const c of upsert) {
        const row = containerRow(hostId, c);
        await tx.hostContainer.upsert({
          where: { hostId_id: { hostId, id: c.id } },
          create: row,
          update: row,
        });
      }
    }
    if (update.images) {
      kinds.push('images');
      await replaceImages(tx, hostId, update.images);
    }
    if (update.volumes) {
      kinds.push('volumes');
      await replaceVolumes(tx, hostId, update.volumes);
    }
    if (update.networks) {
      kinds.push('networks');
      await replaceNetworks(tx, hostId, update.networks);
    }
    if (update.events.length > 0) {
      await tx.hostEvent.createMany({
        data: update.events.map((e) => ({
          hostId,
          at: new Date(e.at),
          type: e.type,
          action: e.action,
          objectId: e.id,
          attributes: e.attributes,
        })),
      });
    }
  });
  return kinds;
}

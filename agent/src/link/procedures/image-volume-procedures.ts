import type { Engine } from '../../engine/engine.ts';
import { imageSummaries, networkSummary, volumeSummaries } from '../host-summaries.ts';
import type { CallHandlers, StreamHandlers } from '../request-handler.ts';
import { empty } from './container-calls.ts';

type ImageVolumeCalls = Pick<
  CallHandlers,
  Extract<keyof CallHandlers, `images.${string}` | `volumes.${string}` | `networks.${string}`>
>;

function splitDeleted(items: ({ Untagged: string } | { Deleted: string })[]) {
  return {
    deleted: items.flatMap((i) => ('Deleted' in i ? [i.Deleted] : [])),
    untagged: items.flatMap((i) => ('Untagged' in i ? [i.Untagged] : [])),
  };
}

/** Image, volume and network procedures, each one engine call (pull, a stream, is in image-pull.ts). */
export function imageVolumeCalls(engine: Engine): ImageVolumeCalls {
  const { images, volumes, networks } = engine;
  return {
    'images.list': () => imageSummaries(engine),
    'images.inspect': async ({ ref }) => ({ ...(await images.inspect(ref)) }),
    'images.remove': async ({ ref, force }) => splitDeleted(await images.remove(ref, { force })),
    'images.prune': async ({ all }) => {
      const pruned = await images.prune({ all });
      return { ...splitDeleted(pruned.ImagesDeleted), reclaimedBytes: pruned.SpaceReclaimed };
    },
    'volumes.list': () => volumeSummaries(engine),
    'volumes.create': async ({ name, labels }) => {
      const v = await volumes.create({ name, labels });
      return {
        name: v.Name,
        driver: v.Driver,
        mountpoint: v.Mountpoint,
        createdAt: v.CreatedAt,
        labels: v.Labels,
      };
    },
    'volumes.remove': ({ name, force }) => empty(volumes.remove(name, { force })),
    'volumes.prune': async () => {
      const pruned = await volumes.prune();
      return { deleted: pruned.VolumesDeleted, reclaimedBytes: pruned.SpaceReclaimed };
    },
    'networks.create': async (input) => networkSummary(await networks.create(input)),
    'networks.remove': ({ ref }) => empty(networks.remove(ref)),
  };
}

export function imageStreams(engine: Engine): Pick<StreamHandlers, 'images.load'> {
  return {
    'images.load': async (_input, ctx) => ({ images: (await engine.images.load(ctx.input())).images }),
  };
}

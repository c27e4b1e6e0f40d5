import type { Engine } from '../../engine/engine.ts';
import { ApiError } from '../errors.ts';
import { sendJson } from '../respond.ts';
import type { Router } from '../router.ts';
import { containerSummary } from '../views/container-json.ts';
import { volumeJson } from './volumes.ts';

const KINDS = ['container', 'image', 'volume', 'build-cache'] as const;
type Kind = (typeof KINDS)[number];

async function imageUsage(engine: Engine) {
  const usage = await engine.images.diskUsage();
  const sizes = new Map(usage.images.map((i) => [i.id, i]));
  const containers = engine.containers.list();
  // Docker's df lists the images `docker images` shows, not intermediate parents
  const images = (await engine.images.list()).map((i) => ({
    ...i,
    SharedSize: sizes.get(i.Id)?.sharedSize ?? 0,
    Size: sizes.get(i.Id)?.size ?? i.Size,
    Containers: containers.filter((c) => c.imageId === i.Id).length,
  }));
  return { LayersSize: usage.layersSize, Images: images };
}

async function containerUsage(engine: Engine) {
  const rows = [];
  for (const c of engine.containers.list()) {
    const size = await engine.snapshotter.usage(c.id).catch(() => ({ sizeRw: 0, sizeRootFs: 0 }));
    rows.push(
      containerSummary(c, (name) => engine.volumes.mountpoint(name), engine.networks.networksOf(c.id), size),
    );
  }
  return rows;
}

async function volumeUsage(engine: Engine) {
  const containers = engine.containers.list();
  return (await engine.volumes.usage()).map((v) => ({
    ...volumeJson(v.volume),
    UsageData: {
      Size: v.sizeBytes,
      RefCount: containers.filter((c) => c.volumes.some((x) => x.name === v.volume.Name)).length,
    },
  }));
}

/** GET /system/df (`docker system df`); `type` (API 1.42) limits it to some kinds, the others are null. */
export function systemDfRoutes(router: Router, engine: Engine): void {
  router.on('GET', '/system/df', async ({ res, query }) => {
    const asked = query.getAll('type');
    for (const t of asked) {
      if (!(KINDS as readonly string[]).includes(t)) throw new ApiError(400, `unknown object type: ${t}`);
    }
    const wants = (k: Kind) => asked.length === 0 || asked.includes(k);
    const images = wants('image') ? await imageUsage(engine) : undefined;
    sendJson(res, 200, {
      LayersSize: images?.LayersSize ?? 0,
      Images: images?.Images ?? null,
      Containers: wants('container') ? await containerUsage(engine) : null,
      Volumes: wants('volume') ? await volumeUsage(engine) : null,
      // no builder yet: nothing cached
      BuildCache: wants('build-cache') ? [] : null,
    });
  });
}

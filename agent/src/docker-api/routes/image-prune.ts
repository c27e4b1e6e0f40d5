import type { Engine } from '../../engine/engine.ts';
import { isEngineError } from '../../engine/errors.ts';
import type { DeleteItem } from '../../engine/images/image-store.ts';
import { parseDockerTime } from '../docker-time.ts';
import { acceptFilters, boolFilter, type Filters, matchLabels } from '../filters.ts';
import { queryFilters, sendJson } from '../respond.ts';
import type { Router } from '../router.ts';

const PRUNE_FILTERS = ['dangling', 'until', 'label', 'label!'];

/**
 * Prune narrowed by `until` or labels. The image store's prune takes no
 * filters, so the unused images are chosen here and removed one by one
 * through the store's own remove, which refuses any a container took meanwhile.
 */
async function pruneSome(engine: Engine, filters: Filters, all: boolean) {
  const untilValue = filters.get('until')?.at(-1);
  const until = untilValue === undefined ? undefined : Number(parseDockerTime(untilValue) / 1_000_000_000n);
  const list = await engine.images.list({ all: true });
  const parents = new Set(list.map((i) => i.ParentId).filter((p) => p !== ''));
  const used = new Set(engine.containers.list().map((c) => c.imageId));
  const layersBefore = (await engine.images.diskUsage()).layersSize;
  const deleted: DeleteItem[] = [];
  for (const image of list) {
    if (!all && image.RepoTags.length > 0) continue;
    if (parents.has(image.Id) || used.has(image.Id)) continue;
    if (until !== undefined && !(image.Created < until)) continue;
    if (!matchLabels(filters, image.Labels)) continue;
    try {
      // force only to drop several tags at once; an image a container uses is refused even so
      deleted.push(...(await engine.images.remove(image.Id, { force: image.RepoTags.length > 1 })));
    } catch (err) {
      if (!isEngineError(err, 'conflict') && !isEngineError(err, 'not_found')) throw err;
    }
  }
  const layersAfter = (await engine.images.diskUsage()).layersSize;
  return { ImagesDeleted: deleted, SpaceReclaimed: Math.max(0, layersBefore - layersAfter) };
}

export function imagePruneRoutes(router: Router, engine: Engine): void {
  router.on('POST', '/images/prune', async ({ res, query }) => {
    const filters = queryFilters(query);
    acceptFilters(filters, PRUNE_FILTERS);
    const all = boolFilter(filters, 'dangling') === false;
    const narrowed = filters.has('until') || filters.has('label') || filters.has('label!');
    const result = narrowed ? await pruneSome(engine, filters, all) : await engine.images.prune({ all });
    sendJson(res, 200, {
      ImagesDeleted: result.ImagesDeleted.length > 0 ? result.ImagesDeleted : null,
      SpaceReclaimed: result.SpaceReclaimed,
    });
  });
}

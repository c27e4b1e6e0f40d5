import { sendJson } from '../respond.ts';
import type { Router } from '../router.ts';

/**
 * `docker system prune` also prunes the build cache. Berth has no builder,
 * so there is truthfully nothing to delete there.
 */
export function pruneRoutes(router: Router): void {
  router.on('POST', '/build/prune', ({ res }) =>
    sendJson(res, 200, { CachesDeleted: null, SpaceReclaimed: 0 }),
  );
}

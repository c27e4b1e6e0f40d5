import { sendJson } from '../respond.ts';
import type { Router } from '../router.ts';

/**
 * `docker system prune` also prunes networks and the build cache. Berth has
 * no user-defined networks yet (the networking issue adds them) and no
 * builder, so there is truthfully nothing to delete in either.
 */
export function pruneRoutes(router: Router): void {
  router.on('POST', '/networks/prune', ({ res }) => sendJson(res, 200, { NetworksDeleted: null }));
  router.on('POST', '/build/prune', ({ res }) =>
    sendJson(res, 200, { CachesDeleted: null, SpaceReclaimed: 0 }),
  );
}

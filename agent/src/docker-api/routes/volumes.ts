import type { Engine } from '../../engine/engine.ts';
import { EngineError, isEngineError } from '../../engine/errors.ts';
import { ANONYMOUS_LABEL, type VolumeInspect } from '../../engine/volumes/index.ts';
import { readJsonBody } from '../body.ts';
import { acceptFilters, boolFilter, type Filters, matchLabels } from '../filters.ts';
import { queryFilters, queryFlag, sendJson, sendNoContent } from '../respond.ts';
import type { Router } from '../router.ts';
import { VolumeCreateBody } from '../schemas/volume-create.ts';

/** Docker shows a volume without labels or options as null, not {}. */
export function volumeJson(v: VolumeInspect) {
  return {
    ...v,
    Labels: Object.keys(v.Labels).length > 0 ? v.Labels : null,
    Options: Object.keys(v.Options).length > 0 ? v.Options : null,
  };
}

/** Docker's messages for a missing or busy volume (`get x: no such volume`, `remove x: volume is in use - [ids]`). */
async function onVolume<T>(engine: Engine, name: string, verb: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isEngineError(err, 'not_found')) {
      throw new EngineError('not_found', `get ${name}: no such volume`, { cause: err });
    }
    if (isEngineError(err, 'conflict')) {
      const users = engine.containers.list().filter((c) => c.volumes.some((v) => v.name === name));
      const ids = users.map((c) => c.id).join(' ');
      throw new EngineError('conflict', `${verb} ${name}: volume is in use - [${ids}]`, { cause: err });
    }
    throw err;
  }
}

/** API versions before 1.42 pruned every unused volume; from 1.42 only anonymous ones unless `all`. */
function prunesNamedByDefault(apiVersion: string): boolean {
  const [major = 0, minor = 0] = apiVersion.split('.').map(Number);
  return major === 1 && minor < 42;
}

/** `label!` is not a filter the store's prune knows: those volumes are chosen and removed here. */
async function pruneExcluding(engine: Engine, filters: Filters, anonymousOnly: boolean) {
  const result = { VolumesDeleted: [] as string[], SpaceReclaimed: 0 };
  for (const v of await engine.volumes.list({ dangling: true, label: filters.get('label') ?? [] })) {
    if ((anonymousOnly && !(ANONYMOUS_LABEL in v.Labels)) || !matchLabels(filters, v.Labels)) continue;
    try {
      const size = await engine.volumes.size(v.Name);
      await engine.volumes.remove(v.Name);
      result.VolumesDeleted.push(v.Name);
      result.SpaceReclaimed += size;
    } catch (err) {
      // taken by a container, or removed by someone else, since the listing
      if (!isEngineError(err, 'conflict') && !isEngineError(err, 'not_found')) throw err;
    }
  }
  return result;
}

export function volumeRoutes(router: Router, engine: Engine): void {
  const { volumes } = engine;

  router.on('GET', '/volumes', async ({ res, query }) => {
    const f = queryFilters(query);
    acceptFilters(f, ['name', 'label', 'dangling', 'driver']);
    const dangling = boolFilter(f, 'dangling');
    const list = await volumes.list({
      ...(f.has('name') ? { name: f.get('name') } : {}),
      ...(f.has('label') ? { label: f.get('label') } : {}),
      ...(f.has('driver') ? { driver: f.get('driver') } : {}),
      ...(dangling !== undefined ? { dangling } : {}),
    });
    sendJson(res, 200, { Volumes: list.map(volumeJson), Warnings: [] });
  });

  router.on('POST', '/volumes/create', async ({ req, res }) => {
    const body = await readJsonBody(req, VolumeCreateBody);
    const driver = body.Driver || 'local';
    if (driver !== 'local') {
      throw new EngineError(
        'invalid',
        `volume driver ${driver} is not supported: Berth has the local driver`,
      );
    }
    const created = await volumes.create({
      ...(body.Name ? { name: body.Name } : {}),
      labels: body.Labels ?? {},
      options: body.DriverOpts ?? {},
    });
    sendJson(res, 201, volumeJson(created));
  });

  router.on('GET', '/volumes/:name', async ({ res, params }) => {
    const name = params.name!;
    sendJson(res, 200, volumeJson(await onVolume(engine, name, 'get', () => volumes.inspect(name))));
  });

  router.on('DELETE', '/volumes/:name', async ({ res, params, query }) => {
    const name = params.name!;
    try {
      // Docker's force only forgives a missing volume; one in use is never removed (the store's force would)
      await onVolume(engine, name, 'remove', () => volumes.remove(name));
    } catch (err) {
      if (!(queryFlag(query, 'force') && isEngineError(err, 'not_found'))) throw err;
    }
    sendNoContent(res);
  });

  router.on('POST', '/volumes/prune', async ({ res, query, apiVersion }) => {
    const f = queryFilters(query);
    acceptFilters(f, ['label', 'label!', 'all']);
    const anonymousOnly = !(boolFilter(f, 'all') ?? prunesNamedByDefault(apiVersion));
    const result = f.has('label!')
      ? await pruneExcluding(engine, f, anonymousOnly)
      : await volumes.prune({ anonymousOnly, ...(f.has('label') ? { label: f.get('label') } : {}) });
    sendJson(res, 200, {
      VolumesDeleted: result.VolumesDeleted.length > 0 ? result.VolumesDeleted : null,
      SpaceReclaimed: result.SpaceReclaimed,
    });
  });
}

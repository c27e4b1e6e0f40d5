import { z } from 'zod';
import type { Engine } from '../../engine/engine.ts';
import { EngineError, isEngineError } from '../../engine/errors.ts';
import { readJsonBody } from '../body.ts';
import { queryFilters, queryFlag, sendJson, sendNoContent } from '../respond.ts';
import type { Router } from '../router.ts';

const VolumeCreateBody = z.looseObject({
  Name: z.string().nullish(),
  Driver: z.string().nullish(),
  DriverOpts: z.record(z.string(), z.string()).nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
});

export function volumeRoutes(router: Router, engine: Engine): void {
  const { volumes } = engine;

  router.on('GET', '/volumes', async ({ res, query }) => {
    const f = queryFilters(query);
    const dangling = f.get('dangling')?.[0];
    const list = await volumes.list({
      ...(f.has('name') ? { name: f.get('name') } : {}),
      ...(f.has('label') ? { label: f.get('label') } : {}),
      ...(f.has('driver') ? { driver: f.get('driver') } : {}),
      ...(dangling !== undefined ? { dangling: dangling === 'true' || dangling === '1' } : {}),
    });
    sendJson(res, 200, { Volumes: list, Warnings: [] });
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
    sendJson(
      res,
      201,
      await volumes.create({
        ...(body.Name ? { name: body.Name } : {}),
        labels: body.Labels ?? {},
        options: body.DriverOpts ?? {},
      }),
    );
  });

  router.on('GET', '/volumes/:name', async ({ res, params }) => {
    sendJson(res, 200, await volumes.inspect(params.name!));
  });

  router.on('DELETE', '/volumes/:name', async ({ res, params, query }) => {
    try {
      // Docker's force only forgives a missing volume; one in use is never removed
      await volumes.remove(params.name!);
    } catch (err) {
      if (!(queryFlag(query, 'force') && isEngineError(err, 'not_found'))) throw err;
    }
    sendNoContent(res);
  });

  router.on('POST', '/volumes/prune', async ({ res, query }) => {
    const f = queryFilters(query);
    const all = f.get('all')?.[0];
    const result = await volumes.prune({
      anonymousOnly: !(all === 'true' || all === '1'),
      ...(f.has('label') ? { label: f.get('label') } : {}),
    });
    sendJson(res, 200, result);
  });
}

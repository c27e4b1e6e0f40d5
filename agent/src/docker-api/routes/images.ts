import type { ServerResponse } from 'node:http';
import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { queryFilters, queryFlag, sendJson } from '../respond.ts';
import type { Router } from '../router.ts';

/** The JSON-message stream `docker load`/`import` print from: one object per line. */
function startMessages(res: ServerResponse) {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  return (message: Record<string, unknown>) => res.write(`${JSON.stringify(message)}\n`);
}

export function imageRoutes(router: Router, engine: Engine): void {
  const { images } = engine;

  router.on('GET', '/images/json', async ({ res, query }) => {
    const filters = queryFilters(query);
    const dangling = filters.get('dangling')?.[0];
    const reference = filters.get('reference')?.[0];
    const labels = filters.get('label') ?? [];
    const list = await images.list({
      all: queryFlag(query, 'all'),
      ...(dangling !== undefined ? { dangling: dangling === 'true' || dangling === '1' } : {}),
      ...(reference !== undefined ? { reference } : {}),
    });
    const counts = new Map<string, number>();
    for (const c of engine.containers.list()) counts.set(c.imageId, (counts.get(c.imageId) ?? 0) + 1);
    sendJson(
      res,
      200,
      list
        .filter((i) =>
          labels.every((l) => {
            const [k, v] = l.split('=', 2) as [string, string | undefined];
            return k in i.Labels && (v === undefined || i.Labels[k] === v);
          }),
        )
        .map((i) => ({ ...i, Containers: counts.get(i.Id) ?? 0 })),
    );
  });

  router.on('GET', '/images/:name*/json', async ({ res, params }) => {
    sendJson(res, 200, await images.inspect(params.name!));
  });

  router.on('GET', '/images/:name*/history', async ({ res, params }) => {
    sendJson(res, 200, await images.history(params.name!));
  });

  router.on('POST', '/images/:name*/tag', async ({ res, params, query }) => {
    const repo = query.get('repo');
    if (!repo) throw new EngineError('invalid', 'repository name must be given');
    const tag = query.get('tag');
    await images.tag(params.name!, tag ? `${repo}:${tag}` : repo);
    res.writeHead(201).end();
  });

  router.on('DELETE', '/images/:name*', async ({ res, params, query }) => {
    sendJson(res, 200, await images.remove(params.name!, { force: queryFlag(query, 'force') }));
  });

  router.on('POST', '/images/prune', async ({ res, query }) => {
    const dangling = queryFilters(query).get('dangling')?.[0];
    const result = await images.prune({ all: dangling === 'false' || dangling === '0' });
    sendJson(res, 200, {
      ImagesDeleted: result.ImagesDeleted.length > 0 ? result.ImagesDeleted : null,
      SpaceReclaimed: result.SpaceReclaimed,
    });
  });

  router.on('POST', '/images/load', async ({ req, res }) => {
    const result = await images.load(req);
    const send = startMessages(res);
    for (const image of result.images) {
      const lines =
        image.tags.length > 0
          ? image.tags.map((t) => `Loaded image: ${t}`)
          : [`Loaded image ID: ${image.id}`];
      for (const line of lines) send({ stream: `${line}\n` });
    }
    res.end();
  });

  const save = async (res: ServerResponse, refs: string[]) => {
    if (refs.length === 0) throw new EngineError('invalid', 'no image names given');
    for (const ref of refs) await images.resolve(ref); // a missing image is a 404 before any byte goes out
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    for await (const chunk of images.save(refs)) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  };
  router.on('GET', '/images/get', ({ res, query }) => save(res, query.getAll('names')));
  router.on('GET', '/images/:name*/get', ({ res, params }) => save(res, [params.name!]));

  router.on('POST', '/images/create', async ({ req, res, query }) => {
    const fromSrc = query.get('fromSrc');
    if (fromSrc === null) {
      const image = query.get('fromImage') ?? '';
      throw new EngineError(
        'unavailable',
        `pulling ${image} is not supported yet: load the image with docker load`,
      );
    }
    if (fromSrc !== '-')
      throw new EngineError('invalid', 'only imports from the request body (fromSrc=-) are supported');
    const repo = query.get('repo');
    const tag = query.get('tag');
    const id = await images.importRootfs(req, {
      ...(repo ? { ref: tag ? `${repo}:${tag}` : repo } : {}),
      changes: query.getAll('changes'),
      ...(query.get('message') ? { message: query.get('message')! } : {}),
    });
    const send = startMessages(res);
    send({ status: id });
    res.end();
  });
}

import type { ServerResponse } from 'node:http';
import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { onImage } from '../image-refs.ts';
import type { Router } from '../router.ts';
import { drained, uploadBody } from '../upload.ts';
import { pullRoute } from './image-registry.ts';

/** The JSON-message stream `docker load`/`import` print from: one object per line. */
function startMessages(res: ServerResponse) {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  return (message: Record<string, unknown>) => res.write(`${JSON.stringify(message)}\n`);
}

async function save(engine: Engine, res: ServerResponse, refs: string[]): Promise<void> {
  if (refs.length === 0) throw new EngineError('invalid', 'no image names given');
  // a missing image is a 404 before any byte of the tarball goes out
  for (const ref of refs) await onImage(ref, () => engine.images.resolve(ref));
  res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  // leaving the loop early (client gone) returns the store's generator, which closes what it opened
  for await (const chunk of engine.images.save(refs)) {
    if (gone) break;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  }
  if (!gone) res.end();
}

/** `docker load`, `docker save`, `docker import`; POST /images/create with fromImage is a pull (image-registry.ts). */
export function imageArchiveRoutes(router: Router, engine: Engine): void {
  const { images } = engine;

  // `quiet` only turns off per-layer progress, which Berth does not send: the result lines go out either way
  router.on('POST', '/images/load', async ({ req, res }) => {
    const result = await images.load(uploadBody(req)).catch((err) => drained(req, err));
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

  router.on('GET', '/images/get', ({ res, query }) => save(engine, res, query.getAll('names')));
  router.on('GET', '/images/:name*/get', ({ res, params }) => save(engine, res, [params.name!]));

  router.on('POST', '/images/create', async (ctx) => {
    const { req, res, query } = ctx;
    const fromSrc = query.get('fromSrc');
    if (fromSrc === null) return pullRoute(engine, ctx);
    if (fromSrc !== '-') {
      throw new EngineError(
        'unavailable',
        `importing from ${fromSrc} is not supported yet: send the tarball in the request (docker import FILE or -)`,
      );
    }
    const repo = query.get('repo');
    const tag = query.get('tag');
    const message = query.get('message');
    const id = await images
      .importRootfs(uploadBody(req), {
        ...(repo ? { ref: tag ? `${repo}:${tag}` : repo } : {}),
        changes: query.getAll('changes'),
        ...(message ? { message } : {}),
      })
      .catch((err) => drained(req, err));
    startMessages(res)({ status: id });
    res.end();
  });
}

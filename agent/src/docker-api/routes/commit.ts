import { z } from 'zod';
import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import type { ContainerConfig } from '../../engine/images/oci-schemas.ts';
import { readJsonBody } from '../body.ts';
import { queryFlag, sendJson } from '../respond.ts';
import type { Router } from '../router.ts';

/** The optional body of POST /commit: config fields that override the container's own. */
const CommitBody = z.looseObject({
  Cmd: z.array(z.string()).nullish(),
  Entrypoint: z.array(z.string()).nullish(),
  Env: z.array(z.string()).nullish(),
  WorkingDir: z.string().nullish(),
  User: z.string().nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
});

/** `docker commit`: the container's changes become a new layer on its image, its config the image's. */
export function commitRoutes(router: Router, engine: Engine): void {
  router.on('POST', '/commit', async ({ req, res, query }) => {
    const ref = query.get('container');
    if (!ref) throw new EngineError('invalid', 'a container is required');
    const record = engine.containers.get(ref);
    const body = await readJsonBody(req, CommitBody);
    const image = await engine.images.resolve(record.imageId);
    const base = image.config.config ?? {};
    const spec = record.spec;
    // the container's own config, as Docker records it: what it was created with over the image's
    const config: ContainerConfig = {
      ...base,
      Env: body.Env ?? record.env,
      Entrypoint: body.Entrypoint ?? spec.entrypoint ?? base.Entrypoint,
      Cmd: body.Cmd ?? spec.cmd ?? (spec.entrypoint !== undefined ? [] : base.Cmd),
      WorkingDir: body.WorkingDir ?? spec.workingDir ?? base.WorkingDir,
      User: body.User ?? spec.user ?? base.User,
      Labels: { ...(base.Labels ?? {}), ...spec.labels, ...(body.Labels ?? {}) },
    };
    const repo = query.get('repo');
    const tag = query.get('tag');
    const pause = queryFlag(query, 'pause', true) && record.state.status === 'running';
    if (pause) await engine.containers.pause(record.id);
    try {
      const id = await engine.images.commit(record.id, {
        imageId: record.imageId,
        config,
        changes: query
          .getAll('changes')
          .flatMap((c) => c.split('\n'))
          .filter(Boolean),
        ...(repo ? { ref: tag ? `${repo}:${tag}` : repo } : {}),
        ...(query.get('comment') ? { comment: query.get('comment')! } : {}),
        ...(query.get('author') ? { author: query.get('author')! } : {}),
      });
      sendJson(res, 201, { Id: id });
    } finally {
      if (pause) await engine.containers.unpause(record.id);
    }
  });
}

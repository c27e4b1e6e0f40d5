import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { parseReference, repositoryName } from '../../engine/images/reference.ts';
import { readJsonBody } from '../body.ts';
import { streamTransfer } from '../progress-stream.ts';
import { credentialsOf, DockerAuthConfig, registryAuthOf } from '../registry-auth-header.ts';
import { sendJson } from '../respond.ts';
import type { RequestContext, Router } from '../router.ts';

const DIGEST_TAG = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * `fromImage` + `tag` as the CLI splits them; the tag may be a digest (`docker pull x@sha256:…`).
 * No tag at all is `docker pull --all-tags`.
 */
function pullRequest(image: string, tag: string): { ref: string; allTags: boolean } {
  if (image === '') throw new EngineError('invalid', 'fromImage must name an image');
  if (tag === '') return { ref: image, allTags: !/[@:][^/]*$/.test(image) };
  return { ref: DIGEST_TAG.test(tag) ? `${image}@${tag}` : `${image}:${tag}`, allTags: false };
}

/** `docker pull` (and the pull of `docker run`): POST /images/create?fromImage=&tag=&platform= */
export async function pullRoute(engine: Engine, { req, res, query }: RequestContext): Promise<void> {
  const { ref, allTags } = pullRequest(query.get('fromImage') ?? '', query.get('tag') ?? '');
  const platform = query.get('platform') || undefined;
  const auth = registryAuthOf(req);
  await streamTransfer(res, (progress) => {
    const options = { ...(platform ? { platform } : {}), ...(auth ? { auth } : {}), ...progress };
    return allTags ? engine.registry.pullAllTags(ref, options) : engine.registry.pull(ref, options);
  });
}

/** `docker push --all-tags`: every local tag of the repository, as Docker pushes them. */
async function tagsOf(engine: Engine, name: string): Promise<string[]> {
  const repository = repositoryName(parseReference(name));
  const tags = (await engine.images.list())
    .flatMap((i) => i.RepoTags)
    .filter((t) => repositoryName(parseReference(t)) === repository)
    .sort();
  if (tags.length === 0)
    throw new EngineError('not_found', `An image does not exist locally with the tag: ${name}`);
  return tags;
}

/** `docker push`, `docker login`, distribution inspect. Pulls arrive through POST /images/create (image-archives.ts). */
export function imageRegistryRoutes(router: Router, engine: Engine): void {
  router.on('POST', '/images/:name*/push', async ({ req, res, params, query }) => {
    const name = params.name!;
    const tag = query.get('tag') ?? '';
    const refs =
      tag !== '' || /:[^/]*$/.test(name)
        ? [tag === '' ? name : `${name}:${tag}`]
        : await tagsOf(engine, name);
    const auth = registryAuthOf(req);
    await streamTransfer(res, async (progress) => {
      for (const ref of refs) await engine.registry.push(ref, { ...(auth ? { auth } : {}), ...progress });
    });
  });

  router.on('GET', '/distribution/:name*/json', async ({ req, res, params }) => {
    const auth = registryAuthOf(req);
    sendJson(res, 200, await engine.registry.inspect(params.name!, auth ? { auth } : {}));
  });

  router.on('POST', '/auth', async ({ req, res }) => {
    const config = await readJsonBody(req, DockerAuthConfig);
    const { username, password } = credentialsOf(config);
    sendJson(
      res,
      200,
      await engine.registry.login(config.serveraddress ?? '', username ?? '', password ?? ''),
    );
  });
}

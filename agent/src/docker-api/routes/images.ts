import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { matchesReference } from '../../engine/images/find-image.ts';
import type { ImageSummary } from '../../engine/images/image-store.ts';
import { parseDockerTime, rfc3339 } from '../docker-time.ts';
import { ApiError } from '../errors.ts';
import { acceptFilters, boolFilter, type Filters, matchLabels } from '../filters.ts';
import { onImage } from '../image-refs.ts';
import { queryFilters, queryFlag, sendJson } from '../respond.ts';
import type { Router } from '../router.ts';

const LIST_FILTERS = ['before', 'dangling', 'label', 'reference', 'since', 'until'];

/** Unix seconds of the image a `before`/`since` filter names (the last one given, as Docker takes it). */
async function createdOf(engine: Engine, filters: Filters, key: string): Promise<number | undefined> {
  const ref = filters.get(key)?.at(-1);
  if (ref === undefined) return undefined;
  const image = await onImage(ref, () => engine.images.inspect(ref));
  return Math.floor(Date.parse(image.Created) / 1000);
}

/**
 * `docker images` rows after Docker's filters. A `reference` filter also
 * narrows each row's tags to the matching ones, so `docker images 'team/*'`
 * lists only those tags of an image that has others too.
 */
async function listImages(engine: Engine, query: URLSearchParams): Promise<ImageSummary[]> {
  const filters = queryFilters(query);
  acceptFilters(filters, LIST_FILTERS);
  const dangling = boolFilter(filters, 'dangling');
  const before = await createdOf(engine, filters, 'before');
  const since = await createdOf(engine, filters, 'since');
  const untilValue = filters.get('until')?.at(-1);
  const until = untilValue === undefined ? undefined : Number(parseDockerTime(untilValue) / 1_000_000_000n);
  const patterns = filters.get('reference') ?? [];
  const list = await engine.images.list({
    all: queryFlag(query, 'all'),
    ...(dangling !== undefined ? { dangling } : {}),
  });
  const usedBy = new Map<string, number>();
  for (const c of engine.containers.list()) usedBy.set(c.imageId, (usedBy.get(c.imageId) ?? 0) + 1);
  const shared = queryFlag(query, 'shared-size')
    ? new Map((await engine.images.diskUsage()).images.map((i) => [i.id, i.sharedSize]))
    : undefined;
  const rows: ImageSummary[] = [];
  for (const image of list) {
    if (before !== undefined && !(image.Created < before)) continue;
    if (since !== undefined && !(image.Created > since)) continue;
    if (until !== undefined && !(image.Created < until)) continue;
    if (!matchLabels(filters, image.Labels)) continue;
    const matching = (refs: string[]) => refs.filter((r) => patterns.some((p) => matchesReference(r, p)));
    const repoTags = patterns.length > 0 ? matching(image.RepoTags) : image.RepoTags;
    const repoDigests = patterns.length > 0 ? matching(image.RepoDigests) : image.RepoDigests;
    if (patterns.length > 0 && repoTags.length === 0 && repoDigests.length === 0) continue;
    rows.push({
      ...image,
      RepoTags: repoTags,
      RepoDigests: repoDigests,
      SharedSize: shared?.get(image.Id) ?? image.SharedSize,
      Containers: usedBy.get(image.Id) ?? 0,
    });
  }
  return rows;
}

/** List, inspect, history, tag, remove. Archives (load/save/import), push and prune live beside this file. */
export function imageRoutes(router: Router, engine: Engine): void {
  const { images } = engine;

  router.on('GET', '/images/json', async ({ res, query }) => {
    sendJson(res, 200, await listImages(engine, query));
  });

  router.on('GET', '/images/search', async ({ res, query }) => {
    const filters = queryFilters(query);
    acceptFilters(filters, ['is-official', 'is-automated', 'stars']);
    const stars = filters.get('stars')?.[0];
    if (stars !== undefined && !/^\d+$/.test(stars))
      throw new ApiError(400, `invalid filter 'stars=${stars}'`);
    const limit = query.get('limit');
    sendJson(
      res,
      200,
      await engine.registry.search({
        term: query.get('term') ?? '',
        ...(limit ? { limit: Number(limit) } : {}),
        isOfficial: boolFilter(filters, 'is-official'),
        isAutomated: boolFilter(filters, 'is-automated'),
        minStars: Number(stars ?? 0),
      }),
    );
  });

  router.on('GET', '/images/:name*/json', async ({ res, params }) => {
    const name = params.name!;
    const image = await onImage(name, () => images.inspect(name));
    sendJson(res, 200, {
      ...image,
      Created: rfc3339(image.Created),
      Metadata: { LastTagTime: rfc3339(image.Metadata.LastTagTime) },
    });
  });

  router.on('GET', '/images/:name*/history', async ({ res, params }) => {
    const name = params.name!;
    sendJson(res, 200, await onImage(name, () => images.history(name)));
  });

  router.on('POST', '/images/:name*/tag', async ({ res, params, query }) => {
    const repo = query.get('repo');
    if (!repo) throw new EngineError('invalid', 'repository name (repo) must be given');
    const tag = query.get('tag');
    const name = params.name!;
    await onImage(name, () => images.tag(name, tag ? `${repo}:${tag}` : repo));
    res.writeHead(201).end();
  });

  // `noprune` is accepted and has nothing to do: removing an image never removes its untagged parents here
  router.on('DELETE', '/images/:name*', async ({ res, params, query }) => {
    const name = params.name!;
    sendJson(res, 200, await onImage(name, () => images.remove(name, { force: queryFlag(query, 'force') })));
  });
}

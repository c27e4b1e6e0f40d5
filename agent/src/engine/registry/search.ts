import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { DEFAULT_DOMAIN } from '../images/reference.ts';
import { type HttpTransport, readBody } from './http-transport.ts';
import { endpointsFor, type RegistryConfig } from './registry-config.ts';

/** One search hit as the Engine API returns it (`docker search` prints these columns). */
export const SearchResult = z.object({
  name: z.string(),
  description: z.string().default(''),
  star_count: z.number().int().default(0),
  is_official: z.boolean().default(false),
  is_automated: z.boolean().default(false),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const SearchRequest = z.object({
  /** `busybox`, or `registry.example:5000/team/app` to search that registry */
  term: z.string().trim().min(1, 'a search term is required').max(255),
  limit: z
    .number()
    .int()
    .min(1, 'limit must be between 1 and 100')
    .max(100, 'limit must be between 1 and 100')
    .default(25),
  isOfficial: z.boolean().optional(),
  isAutomated: z.boolean().optional(),
  minStars: z.number().int().min(0).default(0),
});
export type SearchRequest = z.input<typeof SearchRequest>;

const SearchAnswer = z.object({ results: z.array(SearchResult).nullable() });

/** Docker Hub's search API lives on the index host, not on registry-1 */
const DOCKER_HUB_INDEX = 'index.docker.io';

/** `registry:5000/term` searches that registry; a plain term searches Docker Hub (Docker's rule for a domain). */
function splitTerm(term: string): { domain: string; query: string } {
  const slash = term.indexOf('/');
  const first = slash < 0 ? '' : term.slice(0, slash);
  if (first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost'))
    return { domain: first, query: term.slice(slash + 1) };
  return { domain: DEFAULT_DOMAIN, query: term };
}

/**
 * `docker search`: the registry's v1 search API (`GET /v1/search?q=&n=`), as
 * dockerd queries it; Docker Hub's answers through index.docker.io. A
 * registry without that API (the v2-only docker-registry) is a clear error.
 */
export async function searchRegistry(
  transport: HttpTransport,
  config: RegistryConfig,
  input: SearchRequest,
  signal?: AbortSignal,
): Promise<SearchResult[]> {
  const req = SearchRequest.parse(input);
  const { domain, query } = splitTerm(req.term);
  const endpoint = endpointsFor(config, domain, 'push')[0];
  if (!endpoint) throw new EngineError('internal', `no endpoint for ${domain}`);
  const origin = domain === DEFAULT_DOMAIN ? `https://${DOCKER_HUB_INDEX}` : endpoint.origin;
  const url = `${origin}/v1/search?q=${encodeURIComponent(query)}&n=${req.limit}`;
  const res = await transport.request({
    method: 'GET',
    url,
    headers: { accept: 'application/json' },
    signal,
  });
  if (res.status === 404 || res.status === 405) {
    res.body.resume();
    throw new EngineError(
      'unavailable',
      `${domain} does not offer search (GET /v1/search answered ${res.status}): only registries with Docker Hub's search API can be searched`,
    );
  }
  if (res.status !== 200) {
    res.body.resume();
    throw new EngineError('unavailable', `searching ${domain} failed: HTTP ${res.status}`);
  }
  const body = await readBody(res, 4 * 2 ** 20, 'search results');
  let answer: z.infer<typeof SearchAnswer>;
  try {
    answer = SearchAnswer.parse(JSON.parse(body.toString('utf8')));
  } catch (cause) {
    throw new EngineError('invalid', `${domain} answered a malformed search result`, { cause });
  }
  return (answer.results ?? [])
    .filter(
      (r) =>
        r.star_count >= req.minStars &&
        (req.isOfficial === undefined || r.is_official === req.isOfficial) &&
        (req.isAutomated === undefined || r.is_automated === req.isAutomated),
    )
    .slice(0, req.limit);
}

import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { MediaType } from '../images/oci-schemas.ts';
import type { Authorizer } from './authorizer.ts';
import type { RegistryAuth } from './credentials.ts';
import { type HttpMethod, type HttpResponse, type HttpTransport, readBody } from './http-transport.ts';
import type { Endpoint } from './registry-config.ts';
import { registryError } from './registry-errors.ts';
import { isTransient, withRetry } from './retry.ts';

/** What a manifest GET accepts: both Docker schema 2 kinds and both OCI kinds (schema 1 is long dead). */
export const MANIFEST_ACCEPT = [
  MediaType.dockerManifestList,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.ociManifest,
].join(', ');

/** distribution refuses manifests over 4 MiB; so do we */
export const MAX_MANIFEST_BYTES = 4 * 2 ** 20;

export interface RawManifest {
  bytes: Buffer;
  mediaType: string;
  /** Docker-Content-Digest, when the registry sent it */
  digestHeader: string | undefined;
}

export interface ClientDeps {
  transport: HttpTransport;
  authorizer: Authorizer;
  retry: { attempts: number; backoffMs: number };
}

interface SendRequest {
  method: HttpMethod;
  /** a path under the origin, or an absolute URL (upload locations) */
  target: string;
  headers?: Record<string, string>;
  body?: Buffer | (() => Readable);
  /** statuses the caller handles itself; anything else becomes an error */
  ok: readonly number[];
  what: string;
  /** extra token scopes (a cross-repository mount needs pull on the source) */
  extraScopes?: string[];
}

/**
 * One repository on one registry endpoint: the distribution spec's calls,
 * each authorised (retrying once after a 401 with what the challenge asked)
 * and, when idempotent, retried with backoff on transient failures.
 */
export class RegistryClient {
  private origin: string;
  private readonly scope: string;

  constructor(
    private readonly deps: ClientDeps,
    readonly endpoint: Endpoint,
    /** repository path: `library/busybox` */
    readonly repository: string,
    private readonly auth: RegistryAuth | undefined,
    private readonly actions: 'pull' | 'pull,push',
    private readonly signal?: AbortSignal,
  ) {
    this.origin = endpoint.origin;
    this.scope = `repository:${repository}:${actions}`;
  }

  /** The same client (origin chosen by the ping included) cancelled by another signal. */
  withSignal(signal: AbortSignal): RegistryClient {
    const c = new RegistryClient(this.deps, this.endpoint, this.repository, this.auth, this.actions, signal);
    c.origin = this.origin;
    return c;
  }

  /** GET /v2/: learns the auth challenge and, for insecure registries, whether HTTPS answers at all. */
  async ping(): Promise<void> {
    let res: HttpResponse;
    try {
      res = await this.raw('GET', `${this.origin}/v2/`, {});
    } catch (err) {
      const fallback = this.endpoint.fallbackOrigin;
      if (fallback === undefined || !isTransient(err)) throw err;
      this.origin = fallback;
      res = await this.raw('GET', `${this.origin}/v2/`, {});
    }
    res.body.resume();
    if (res.status === 401) {
      this.deps.authorizer.learn(this.origin, res.headers['www-authenticate']);
      return;
    }
    if (res.status !== 200) throw await registryError(res, `${this.endpoint.host} is not a v2 registry`);
  }

  /** Verifies credentials: the ping's challenge answered with them (a token fetched, or basic accepted). */
  async verifyLogin(): Promise<void> {
    await this.ping();
    const res = await this.send({ method: 'GET', target: '/v2/', ok: [200], what: 'login' });
    res.body.resume();
  }

  async getManifest(reference: string): Promise<RawManifest> {
    const res = await this.send({
      method: 'GET',
      target: `/v2/${this.repository}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200],
      what: `manifest for ${this.endpoint.host}/${this.repository}:${reference}`,
    });
    const bytes = await readBody(res, MAX_MANIFEST_BYTES, 'manifest');
    const header =
      String(res.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    return {
      bytes,
      mediaType: manifestMediaType(header, bytes),
      digestHeader: headerOf(res, 'docker-content-digest'),
    };
  }

  /** GET /v2/<name>/tags/list, every page (the registry's `Link: <…>; rel="next"`), sorted. */
  async listTags(): Promise<string[]> {
    const tags: string[] = [];
    let target: string | undefined = `/v2/${this.repository}/tags/list?n=1000`;
    for (let page = 0; target !== undefined; page++) {
      if (page === MAX_TAG_PAGES)
        throw new EngineError('invalid', `${this.endpoint.host}/${this.repository}: too many pages of tags`);
      const res = await this.send({
        method: 'GET',
        target,
        ok: [200],
        what: `tags of ${this.endpoint.host}/${this.repository}`,
      });
      const body = await readBody(res, MAX_MANIFEST_BYTES, 'tag list');
      tags.push(...parseTagList(body, this.endpoint.host));
      target = nextPage(headerOf(res, 'link'), this.origin);
    }
    return [...new Set(tags)].sort();
  }

  /** The blob's body stream (after redirects to storage); the caller verifies what it reads. */
  async getBlob(digest: Digest): Promise<HttpResponse> {
    return this.send({
      method: 'GET',
      target: `/v2/${this.repository}/blobs/${digest}`,
      ok: [200],
      what: `blob ${digest}`,
    });
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    const res = await this.send({
      method: 'HEAD',
      target: `/v2/${this.repository}/blobs/${digest}`,
      ok: [200, 404],
      what: `blob ${digest}`,
    });
    res.body.resume();
    return res.status === 200;
  }

  /**
   * Opens an upload session; with `mountFrom` the registry may instead link
   * the blob from another repository it already holds (201, nothing to send).
   */
  async startUpload(mountFrom?: {
    digest: Digest;
    repository: string;
  }): Promise<{ mounted: true } | { location: string }> {
    const query = mountFrom
      ? `?mount=${mountFrom.digest}&from=${encodeURIComponent(mountFrom.repository)}`
      : '';
    const res = await this.send({
      method: 'POST',
      target: `/v2/${this.repository}/blobs/uploads/${query}`,
      ok: [201, 202],
      what: 'blob upload',
      ...(mountFrom ? { extraScopes: [`repository:${mountFrom.repository}:pull`] } : {}),
    });
    res.body.resume();
    if (res.status === 201 && mountFrom) return { mounted: true };
    return { location: this.location(res) };
  }

  /** Monolithic upload: the whole blob in one PUT that also completes the session. */
  async putBlob(location: string, digest: Digest, size: number, body: () => Readable): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const res = await this.send({
      method: 'PUT',
      target: url.href,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body,
      ok: [201],
      what: `upload of ${digest}`,
    });
    res.body.resume();
  }

  /** One chunk of a chunked upload; returns the location for the next one. */
  async patchChunk(location: string, offset: number, chunk: Buffer): Promise<string> {
    const res = await this.send({
      method: 'PATCH',
      target: location,
      headers: {
        'content-type': 'application/octet-stream',
        'content-range': `${offset}-${offset + chunk.byteLength - 1}`,
      },
      body: chunk,
      ok: [202],
      what: 'blob chunk upload',
    });
    res.body.resume();
    return this.location(res);
  }

  /** Closes a chunked upload: the registry verifies the digest of everything sent. */
  async finishUpload(location: string, digest: Digest): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const res = await this.send({ method: 'PUT', target: url.href, ok: [201], what: `upload of ${digest}` });
    res.body.resume();
  }

  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string | undefined> {
    const res = await this.send({
      method: 'PUT',
      target: `/v2/${this.repository}/manifests/${reference}`,
      headers: { 'content-type': mediaType },
      body: bytes,
      ok: [201],
      what: `manifest ${reference}`,
    });
    res.body.resume();
    return headerOf(res, 'docker-content-digest');
  }

  private location(res: HttpResponse): string {
    const loc = headerOf(res, 'location');
    if (loc === undefined) throw new EngineError('invalid', 'registry upload answer has no Location');
    return new URL(loc, this.origin).href;
  }

  private async send(req: SendRequest): Promise<HttpResponse> {
    const url = req.target.startsWith('/') ? `${this.origin}${req.target}` : req.target;
    const scopes = [this.scope, ...(req.extraScopes ?? [])];
    const attempt = async (): Promise<HttpResponse> => {
      for (let authTry = 0; ; authTry++) {
        const authHeader = await this.deps.authorizer.header(this.origin, scopes, this.auth, this.signal);
        const headers = { ...req.headers, ...(authHeader ? { authorization: authHeader } : {}) };
        const res = await this.raw(req.method, url, headers, req.body);
        if (res.status === 401 && authTry === 0) {
          // a first challenge, or a cached token the registry no longer takes: one more try
          const learned = this.deps.authorizer.learn(this.origin, res.headers['www-authenticate']);
          this.deps.authorizer.forget(this.origin, scopes, this.auth);
          if (learned) {
            res.body.resume();
            continue;
          }
        }
        if (req.ok.includes(res.status)) return res;
        throw await registryError(res, req.what);
      }
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return attempt();
    return withRetry(attempt, { ...this.deps.retry, signal: this.signal });
  }

  private raw(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    body?: Buffer | (() => Readable),
  ): Promise<HttpResponse> {
    return this.deps.transport.request({
      method,
      url,
      headers,
      signal: this.signal,
      ...(body !== undefined ? { body } : {}),
    });
  }
}

const MAX_TAG_PAGES = 100;

const TagList = z.object({ tags: z.array(z.string()).nullable().optional() });

function parseTagList(body: Buffer, host: string): string[] {
  try {
    return TagList.parse(JSON.parse(body.toString('utf8'))).tags ?? [];
  } catch (cause) {
    throw new EngineError('invalid', `${host} answered a malformed tag list`, { cause });
  }
}

/** The `rel="next"` target of a Link header, kept on the registry's own origin. */
function nextPage(link: string | undefined, origin: string): string | undefined {
  const next = link?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  if (!next?.[1]) return undefined;
  const url = new URL(next[1], origin);
  if (url.origin !== origin)
    throw new EngineError('invalid', `tag list points to another origin: ${url.origin}`);
  return `${url.pathname}${url.search}`;
}

function headerOf(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const GENERIC_TYPES = new Set(['', 'application/json', 'text/plain', 'application/octet-stream']);

/**
 * The manifest's kind: the Content-Type, unless it is generic (some
 * registries answer application/json), then the body's own mediaType.
 */
function manifestMediaType(header: string, bytes: Buffer): string {
  if (!GENERIC_TYPES.has(header)) return header;
  try {
    const body = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof body.mediaType === 'string') return body.mediaType;
    // an OCI body may omit mediaType: its shape says which it is
    if (Array.isArray(body.manifests)) return MediaType.ociIndex;
    return MediaType.ociManifest;
  } catch {
    return header;
  }
}

import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { EngineError } from '../errors.ts';
import { markTransient } from './retry.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** a Buffer, or a factory for a fresh stream (a stream cannot be replayed after a redirect) */
  body?: Buffer | (() => Readable);
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** the URL that answered, after redirects */
  url: string;
  body: IncomingMessage;
}

export interface TlsPolicy {
  /** extra CA certificates (PEM) for this host, trusted beside the system ones */
  ca?: string[];
  /** skip certificate verification (operator-listed insecure registries only) */
  insecure?: boolean;
}

export interface HttpTransportOptions {
  idleTimeoutMs: number;
  /** the TLS policy of a host (`host:port` as in URLs) */
  tlsFor: (host: string) => TlsPolicy;
  /** whether plain HTTP may be spoken to this host (loopback and operator-listed registries) */
  plainAllowed: (host: string) => boolean;
}

const MAX_REDIRECTS = 5;
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
let systemCas: string[] | undefined;

/** Node's bundled roots plus the distribution's bundle (Node 20 has no API for the system store). */
function systemCertificates(): string[] {
  if (systemCas) return systemCas;
  let bundle: string[] = [];
  try {
    bundle = [readFileSync(SYSTEM_BUNDLE, 'utf8')];
  } catch {
    // no system bundle: Node's own roots still apply
  }
  systemCas = [...rootCertificates, ...bundle];
  return systemCas;
}

/**
 * HTTP(S) with keep-alive agents per host, redirects for GET/HEAD (blob
 * downloads are redirected to storage), and an idle timeout. Failures to
 * connect or mid-response are EngineError('unavailable') marked transient.
 */
export class HttpTransport {
  private readonly plainAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly tlsAgents = new Map<string, { trust: string; agent: https.Agent }>();

  constructor(private readonly options: HttpTransportOptions) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    let url = new URL(req.url);
    let headers = { ...req.headers };
    for (let hop = 0; ; hop++) {
      const res = await this.once(req, url, headers);
      const location = res.headers.location;
      const redirect = res.status >= 300 && res.status < 400 && res.status !== 304 && location !== undefined;
      if (!redirect || (req.method !== 'GET' && req.method !== 'HEAD')) return res;
      res.body.resume();
      if (hop >= MAX_REDIRECTS) throw new EngineError('unavailable', `too many redirects from ${req.url}`);
      const next = new URL(location, url);
      // credentials for the registry must not reach the storage it redirects to
      if (next.origin !== url.origin) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
        );
      }
      url = next;
    }
  }

  close(): void {
    this.plainAgent.destroy();
    for (const a of this.tlsAgents.values()) a.agent.destroy();
    this.tlsAgents.clear();
  }

  private once(req: HttpRequest, url: URL, headers: Record<string, string>): Promise<HttpResponse> {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new EngineError('invalid', `unsupported URL scheme in ${url.href}`);
    if (url.protocol === 'http:' && !this.options.plainAllowed(url.host)) {
      throw new EngineError(
        'forbidden',
        `refusing plain HTTP to ${url.host}: only loopback and registries listed as insecure may use it`,
      );
    }
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : req.body();
    const outHeaders: Record<string, string> = { 'user-agent': 'berth', ...headers };
    if (Buffer.isBuffer(body)) outHeaders['content-length'] = String(body.byteLength);
    else if (body === undefined && ['PUT', 'POST', 'PATCH'].includes(req.method))
      outHeaders['content-length'] = '0';
    return new Promise((resolve, reject) => {
      const options = {
        method: req.method,
        headers: outHeaders,
        ...(req.signal ? { signal: req.signal } : {}),
      };
      const onResponse = (res: IncomingMessage) => {
        res.on('error', () => {}); // the consumer's reads report errors; avoid an unhandled 'error'
        resolve({ status: res.statusCode ?? 0, headers: res.headers, url: url.href, body: res });
      };
      const r =
        url.protocol === 'https:'
          ? https.request(url, { ...options, agent: this.tlsAgent(url.host) }, onResponse)
          : http.request(url, { ...options, agent: this.plainAgent }, onResponse);
      r.setTimeout(this.options.idleTimeoutMs, () =>
        r.destroy(new Error(`no data from ${url.host} for ${this.options.idleTimeoutMs} ms`)),
      );
      r.on('error', (err) => reject(networkError(err, req.method, url)));
      if (body === undefined) r.end();
      else if (Buffer.isBuffer(body)) r.end(body);
      else {
        body.on('error', (err) => r.destroy(err));
        body.pipe(r);
      }
    });
  }

  /** one agent per host, replaced (in-flight requests keep the old one) when its trust changes: a CA dropped into certs.d counts from the next request */
  private tlsAgent(host: string): https.Agent {
    const policy = this.options.tlsFor(host);
    const trust = `${policy.insecure === true}\n${(policy.ca ?? []).join('\n')}`;
    const current = this.tlsAgents.get(host);
    if (current?.trust === trust) return current.agent;
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      ca: [...systemCertificates(), ...(policy.ca ?? [])],
      rejectUnauthorized: policy.insecure !== true,
    });
    this.tlsAgents.set(host, { trust, agent });
    return agent;
  }
}

/** Node's codes for a certificate the client does not accept: retrying cannot help. */
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const CONNECT_FAILURES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

export function networkError(err: unknown, method: string, url: URL): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.name === 'AbortError') return new EngineError('internal', 'request aborted', { cause: err });
  const where = `${method} ${url.origin}${url.pathname}`;
  if (e.code !== undefined && UNTRUSTED_CERTIFICATE.has(e.code)) {
    return new EngineError(
      'unavailable',
      `${where}: the TLS certificate of ${url.host} is not trusted (${e.message}): put the CA that signed it in certs.d/${url.host}/ca.crt under the agent's registry certs dir, or list ${url.host} with --insecure-registry`,
      { cause: err },
    );
  }
  const why = e.code !== undefined && CONNECT_FAILURES[e.code];
  return markTransient(
    new EngineError(
      'unavailable',
      why ? `${where}: ${why} (${e.code})` : `${where}: ${e.code ?? e.message}`,
      {
        cause: err,
      },
    ),
  );
}

/** Reads a whole body, refusing more than max bytes (a manifest or token response cannot be a layer). */
export async function readBody(res: HttpResponse, max: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? Number.NaN);
  if (declared > max) {
    res.body.destroy();
    throw new EngineError('invalid', `${what} is ${declared} bytes, over the ${max}-byte limit`);
  }
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      n += chunk.byteLength;
      if (n > max) {
        res.body.destroy();
        throw new EngineError('invalid', `${what} exceeds the ${max}-byte limit`);
      }
      parts.push(chunk);
    }
  } catch (err) {
    throw networkError(err, 'GET', new URL(res.url));
  }
  return Buffer.concat(parts);
}

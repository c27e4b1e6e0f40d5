import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import type { RegistryAuth } from './credentials.ts';
import { type HttpTransport, readBody } from './http-transport.ts';
import { registryError } from './registry-errors.ts';
import { withRetry } from './retry.ts';
import { TokenCache } from './token-cache.ts';
import { type Challenge, parseChallenges } from './www-authenticate.ts';

/** The token endpoint's answer (Docker's token spec; OAuth servers say access_token). */
const TokenResponse = z.looseObject({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().int().positive().optional(),
  refresh_token: z.string().optional(),
});

const MAX_TOKEN_RESPONSE = 1 << 20;
const DEFAULT_TOKEN_LIFETIME = 60;

/**
 * Answers "what Authorization header does this request need" per registry
 * origin: none, Basic, or a Bearer token for the request's scopes fetched
 * from the realm the registry's challenge names. Challenges are learned from
 * the ping or from a 401 and remembered per origin.
 */
export class Authorizer {
  private readonly challenges = new Map<string, Challenge>();
  readonly tokens = new TokenCache();
  /** concurrent requests of one scope (a push's parallel uploads) share one token fetch */
  private readonly fetching = new Map<string, Promise<string>>();

  constructor(
    private readonly transport: HttpTransport,
    private readonly retry: { attempts: number; backoffMs: number },
  ) {}

  /** Records the challenge of a 401; returns false when there is nothing new to try. */
  learn(origin: string, header: string | string[] | undefined): boolean {
    const challenges = parseChallenges(header);
    const chosen =
      challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (!chosen) return false;
    this.challenges.set(origin, chosen);
    return true;
  }

  challenge(origin: string): Challenge | undefined {
    return this.challenges.get(origin);
  }

  /** Drops cached tokens for these scopes so the next header() fetches fresh ones. */
  forget(origin: string, scopes: readonly string[], auth: RegistryAuth | undefined): void {
    const c = this.challenges.get(origin);
    if (c?.scheme === 'bearer') this.tokens.delete(tokenKey(c, scopes, auth));
  }

  async header(
    origin: string,
    scopes: readonly string[],
    auth: RegistryAuth | undefined,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const c = this.challenges.get(origin);
    if (!c) return undefined;
    if (c.scheme === 'basic') {
      if (auth?.username === undefined) return undefined;
      return basic(auth.username, auth.password ?? '');
    }
    if (c.scheme !== 'bearer') return undefined;
    if (auth?.registryToken !== undefined) return `Bearer ${auth.registryToken}`;
    const key = tokenKey(c, scopes, auth);
    const cached = this.tokens.get(key);
    if (cached !== undefined) return `Bearer ${cached}`;
    let pending = this.fetching.get(key);
    if (!pending) {
      pending = this.fetchToken(c, scopes, auth, signal)
        .then(({ token, expiresIn }) => {
          this.tokens.set(key, token, expiresIn);
          return token;
        })
        .finally(() => this.fetching.delete(key));
      this.fetching.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  private async fetchToken(
    c: Challenge,
    scopes: readonly string[],
    auth: RegistryAuth | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ token: string; expiresIn: number }> {
    const realm = c.params.realm;
    if (realm === undefined) throw new EngineError('invalid', 'registry bearer challenge names no realm');
    const url = new URL(realm);
    const service = c.params.service;
    const res = await withRetry(
      async () => {
        let r: Awaited<ReturnType<HttpTransport['request']>>;
        if (auth?.identityToken !== undefined) {
          // an identity token is an OAuth refresh token: exchanged with a form POST
          const form = new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: auth.identityToken,
            client_id: 'berth',
          });
          if (service !== undefined) form.set('service', service);
          if (scopes.length > 0) form.set('scope', scopes.join(' '));
          r = await this.transport.request({
            method: 'POST',
            url: url.href,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(form.toString()),
            signal,
          });
        } else {
          if (service !== undefined) url.searchParams.set('service', service);
          for (const s of scopes) url.searchParams.append('scope', s);
          if (auth?.username !== undefined) url.searchParams.set('account', auth.username);
          const headers: Record<string, string> = {};
          if (auth?.username !== undefined) headers.authorization = basic(auth.username, auth.password ?? '');
          r = await this.transport.request({ method: 'GET', url: url.href, headers, signal });
        }
        if (r.status !== 200) {
          const err = await registryError(r, `token from ${url.host}`);
          if (r.status === 401 || r.status === 403) {
            throw new EngineError(
              'unauthorized',
              auth?.username !== undefined
                ? `unauthorized: incorrect username or password (${err.message})`
                : err.message,
              { cause: err },
            );
          }
          throw err;
        }
        return r;
      },
      { ...this.retry, signal },
    );
    const bytes = await readBody(res, MAX_TOKEN_RESPONSE, 'token response');
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new EngineError('invalid', `token response from ${url.host} is not JSON`, { cause: err });
    }
    const parsed = TokenResponse.safeParse(json);
    const token = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
    if (!parsed.success || token === undefined || token === '')
      throw new EngineError('invalid', `token response from ${url.host} carries no token`);
    return { token, expiresIn: parsed.data.expires_in ?? DEFAULT_TOKEN_LIFETIME };
  }
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function tokenKey(c: Challenge, scopes: readonly string[], auth: RegistryAuth | undefined): string {
  const who =
    auth?.username ??
    (auth?.identityToken !== undefined
      ? createHash('sha256').update(auth.identityToken).digest('hex').slice(0, 16)
      : '');
  return JSON.stringify([c.params.realm, c.params.service, [...scopes].sort(), who]);
}

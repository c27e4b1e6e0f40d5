/**
 * For tests: a real control plane (no pages) on a throwaway PostgreSQL, with helpers to make
 * users and hosts and to call it over tRPC and REST as a cookie session or an API token.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '@berth/db';
import { startTestDatabase, type TestDatabase } from '@berth/db/testing';
import { hashPassword } from '../auth/password.ts';
import { hashSecret } from '../auth/secret-token.ts';
import { loadConfig } from '../config.ts';
import { type ControlPlane, startControlPlane } from '../control-plane.ts';

export interface Credentials {
  cookie?: string;
  bearer?: string;
}

export interface ApiResult {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface ApiFixture {
  cp: ControlPlane;
  db: TestDatabase;
  makeUser(username: string, role: Role, password?: string): Promise<{ id: string; cookie: string }>;
  makeHost(name: string, labels?: Record<string, string>): Promise<string>;
  trpc(path: string, as: Credentials, input?: unknown, kind?: 'query' | 'mutation'): Promise<ApiResult>;
  rest(method: string, path: string, as: Credentials, body?: unknown): Promise<ApiResult>;
  close(): Promise<void>;
}

export async function startApiFixture(): Promise<ApiFixture> {
  const db = await startTestDatabase();
  let cp: ControlPlane;
  try {
    cp = await startControlPlane({
      config: loadConfig({ PORT: '0', HOST: '127.0.0.1', BERTH_DATA: db.dir }),
      databaseUrl: db.url,
      log: () => {},
      pages: false,
    });
  } catch (err) {
    await db.stop();
    throw err;
  }

  function headersFor(as: Credentials, withOrigin: boolean): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (as.cookie) headers.cookie = as.cookie;
    if (as.bearer) headers.authorization = `Bearer ${as.bearer}`;
    if (withOrigin && !as.bearer) headers.origin = cp.url;
    return headers;
  }

  async function done(response: Response): Promise<ApiResult> {
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  const fixture: ApiFixture = {
    cp,
    db,
    async makeUser(username, role, password = `berthtest-${randomBytes(6).toString('hex')}`) {
      const user = await cp.deps.db.user.create({
        data: { username, role, passwordHash: await hashPassword(password) },
      });
      const login = await fixture.trpc('auth.login', {}, { username, password }, 'mutation');
      if (login.status !== 200) throw new Error(`login of ${username} failed: ${JSON.stringify(login.body)}`);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      return { id: user.id, cookie };
    },
    async makeHost(name, labels = {}) {
      const host = await cp.deps.db.host.create({
        data: {
          name,
          hostname: name,
          os: 'Debian GNU/Linux 13',
          kernel: '6.12.0',
          arch: 'x86_64',
          cpus: 2,
          memoryBytes: 2n ** 31n,
          agentVersion: '0.1.0',
          credentialHash: hashSecret(`bhc_${name}-${randomBytes(8).toString('hex')}`),
          labels,
        },
      });
      return host.id;
    },
    async trpc(path, as, input, kind = input === undefined ? 'query' : 'mutation') {
      if (kind === 'query') {
        const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
        return done(await fetch(`${cp.url}/api/trpc/${path}${query}`, { headers: headersFor(as, false) }));
      }
      return done(
        await fetch(`${cp.url}/api/trpc/${path}`, {
          method: 'POST',
          headers: headersFor(as, true),
          body: JSON.stringify(input ?? null),
        }),
      );
    },
    async rest(method, path, as, body) {
      return done(
        await fetch(`${cp.url}/api/v1${path}`, {
          method,
          headers: headersFor(as, method !== 'GET'),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    },
    async close() {
      await cp.close();
      await db.stop();
    },
  };
  return fixture;
}

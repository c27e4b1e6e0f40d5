import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestDatabase, type TestDatabase } from '@berth/db/testing';
import { ensureFirstAdmin } from '../auth/first-admin.ts';
import { hashPassword } from '../auth/password.ts';
import { purgeExpiredSessions } from '../auth/sessions.ts';
import { loadConfig } from '../config.ts';
import { type ControlPlane, startControlPlane } from '../control-plane.ts';

describe('accounts over tRPC (real HTTP, real PostgreSQL)', () => {
  let db: TestDatabase;
  let cp: ControlPlane;
  let password = '';

  before(async () => {
    db = await startTestDatabase();
    cp = await startControlPlane({
      config: loadConfig({ PORT: '0', HOST: '127.0.0.1', BERTH_DATA: db.dir }),
      databaseUrl: db.url,
      log: () => {},
      pages: false,
    });
  });
  after(async () => {
    await cp?.close();
    await db?.stop();
  });

  async function call(
    path: string,
    options: { input?: unknown; cookie?: string; origin?: string | null; method?: 'GET' | 'POST' } = {},
  ) {
    const method = options.method ?? (options.input === undefined ? 'GET' : 'POST');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.cookie) headers.cookie = options.cookie;
    if (method === 'POST' && options.origin !== null) headers.origin = options.origin ?? cp.url;
    const response = await fetch(`${cp.url}/api/trpc/${path}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: JSON.stringify(options.input ?? null) } : {}),
    });
    return { response, body: (await response.json()) as { result?: { data: unknown }; error?: unknown } };
  }

  test('the first admin is created once; its password file is private and reused', async () => {
    const first = await ensureFirstAdmin(cp.deps, db.dir);
    assert.ok(first);
    assert.equal(first.username, 'admin');
    assert.equal(statSync(first.file).mode & 0o777, 0o600);
    const again = await ensureFirstAdmin(cp.deps, db.dir);
    assert.equal(again?.password, first.password);
    assert.equal(await cp.deps.db.user.count(), 1);
    const stored = await cp.deps.db.user.findFirstOrThrow({ omit: { passwordHash: false } });
    assert.match(stored.passwordHash, /^\$argon2id\$/);
    password = first.password;
  });

  test('login sets an httpOnly SameSite=Lax cookie whose token is stored only hashed', async () => {
    const wrong = await call('auth.login', { input: { username: 'admin', password: 'berthtest-wrong' } });
    assert.equal(wrong.response.status, 401);

    const { response, body } = await call('auth.login', { input: { username: 'admin', password } });
    assert.equal(response.status, 200);
    assert.deepEqual((body.result?.data as { username?: string } | undefined)?.username, 'admin');
    const setCookie = response.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^berth_session=bs_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Expires=/);
    const token = /berth_session=([^;]+)/.exec(setCookie)![1]!;
    const session = await cp.deps.db.session.findFirstOrThrow({ omit: { tokenHash: false } });
    assert.equal(session.tokenHash, createHash('sha256').update(token).digest('hex'));
    const cookie = `berth_session=${token}`;

    assert.equal((await call('hosts.list')).response.status, 401);
    const listed = await call('hosts.list', { cookie });
    assert.equal(listed.response.status, 200);
    assert.deepEqual(listed.body.result?.data, []);
    const me = await call('auth.me', { cookie });
    assert.equal((me.body.result?.data as { role?: string } | undefined)?.role, 'admin');

    // CSRF: a mutation without our Origin is refused, even with a valid cookie.
    const foreign = await call('auth.logout', { input: null, cookie, origin: 'http://evil.example' });
    assert.equal(foreign.response.status, 403);
    const none = await call('auth.logout', { input: null, cookie, origin: null });
    assert.equal(none.response.status, 403);
    assert.equal(await cp.deps.db.session.count(), 1, 'refused mutations change nothing');

    // Zod validates inputs at the edge.
    const bad = await call('auth.changePassword', {
      input: { currentPassword: password, newPassword: 'short' },
      cookie,
    });
    assert.equal(bad.response.status, 400);

    const out = await call('auth.logout', { input: null, cookie });
    assert.equal(out.response.status, 200);
    assert.match(out.response.headers.get('set-cookie') ?? '', /berth_session=;.*Expires=Thu, 01 Jan 1970/);
    assert.equal(await cp.deps.db.session.count(), 0);
    assert.equal((await call('hosts.list', { cookie })).response.status, 401);
  });

  test('changing the password retires the printed initial password', async () => {
    const login = await call('auth.login', { input: { username: 'admin', password } });
    const cookie = (login.response.headers.get('set-cookie') ?? '').split(';')[0]!;
    const other = await call('auth.login', { input: { username: 'admin', password } });
    const otherCookie = (other.response.headers.get('set-cookie') ?? '').split(';')[0]!;
    const wrongCurrent = await call('auth.changePassword', {
      input: { currentPassword: 'berthtest-not-it', newPassword: 'berthtest-new-password' },
      cookie,
    });
    assert.equal(wrongCurrent.response.status, 400);
    const changed = await call('auth.changePassword', {
      input: { currentPassword: password, newPassword: 'berthtest-new-password' },
      cookie,
    });
    assert.equal(changed.response.status, 200);
    assert.equal((await call('hosts.list', { cookie })).response.status, 200, 'this session stays');
    assert.equal((await call('hosts.list', { cookie: otherCookie })).response.status, 401, 'others end');
    const file = `${db.dir}/initial-admin-password`;
    assert.equal(await ensureFirstAdmin(cp.deps, db.dir), undefined);
    assert.equal(existsSync(file), false);
    password = 'berthtest-new-password';
  });

  test('join tokens: admins create them (stored hashed, audited), viewers are refused', async () => {
    const admin = await call('auth.login', { input: { username: 'admin', password } });
    const adminCookie = (admin.response.headers.get('set-cookie') ?? '').split(';')[0]!;
    const created = await call('hosts.createJoinToken', { input: { ttlMinutes: 5 }, cookie: adminCookie });
    assert.equal(created.response.status, 200);
    const token = (created.body.result?.data as { token?: string } | undefined)?.token ?? '';
    assert.match(token, /^bjt_/);
    const row = await cp.deps.db.joinToken.findFirstOrThrow({
      omit: { tokenHash: false },
      include: { createdBy: true },
    });
    assert.equal(row.tokenHash, createHash('sha256').update(token).digest('hex'));
    assert.equal(row.createdBy?.username, 'admin');
    assert.equal(
      await cp.deps.db.auditLog.count({ where: { action: 'join-token.create', actor: 'admin' } }),
      1,
    );

    await cp.deps.db.user.create({
      data: {
        username: 'berthtest-viewer',
        passwordHash: await hashPassword('berthtest-viewer-pw'),
        role: 'viewer',
      },
    });
    const viewer = await call('auth.login', {
      input: { username: 'berthtest-viewer', password: 'berthtest-viewer-pw' },
    });
    const viewerCookie = (viewer.response.headers.get('set-cookie') ?? '').split(';')[0]!;
    const refused = await call('hosts.createJoinToken', { input: {}, cookie: viewerCookie });
    assert.equal(refused.response.status, 403);
    assert.equal(await cp.deps.db.joinToken.count(), 1);
    assert.equal((await call('hosts.list', { cookie: viewerCookie })).response.status, 200);
  });

  test('an expired session is refused and swept', async () => {
    const user = await cp.deps.db.user.findFirstOrThrow({ where: { username: 'admin' } });
    await cp.deps.db.session.create({
      data: {
        tokenHash: createHash('sha256').update('bs_berthtest-expired').digest('hex'),
        userId: user.id,
        expiresAt: new Date(Date.now() - 1000),
      },
    });
    assert.equal(
      (await call('hosts.list', { cookie: 'berth_session=bs_berthtest-expired' })).response.status,
      401,
    );
    await cp.deps.db.session.create({
      data: { tokenHash: 'berthtest-expired-2', userId: user.id, expiresAt: new Date(Date.now() - 1000) },
    });
    assert.equal(await purgeExpiredSessions(cp.deps.db), 1);
    assert.equal(await cp.deps.db.session.count({ where: { expiresAt: { lte: new Date() } } }), 0);
  });

  test('repeated failed logins are throttled (429 with Retry-After), even with the right password', async () => {
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 11; i++) {
      last = await call('auth.login', { input: { username: 'admin', password: `berthtest-guess-${i}` } });
    }
    assert.equal(last?.response.status, 429);
    assert.ok(Number(last?.response.headers.get('retry-after')) > 0);
    const right = await call('auth.login', { input: { username: 'admin', password } });
    assert.equal(right.response.status, 429);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ApiFixture, startApiFixture } from '../testing/api-fixture.ts';

describe('API tokens (Bearer) over REST and tRPC, real PostgreSQL', () => {
  let f: ApiFixture;
  let admin: { id: string; cookie: string };
  let hostId: string;

  before(async () => {
    f = await startApiFixture();
    admin = await f.makeUser('berthtest-admin', 'admin');
    hostId = await f.makeHost('berthtest-host-1');
  });
  after(async () => {
    await f?.close();
  });

  async function createToken(as: { cookie?: string; bearer?: string }, body: Record<string, unknown>) {
    const created = await f.rest('POST', '/tokens', as, body);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body as { id: string; token: string; scope: string; expiresAt: string | null };
  }

  test('a token is shown once, stored only as its SHA-256, and works as Bearer without CSRF', async () => {
    const created = await createToken({ cookie: admin.cookie }, { name: 'berthtest-ci', scope: 'admin' });
    assert.match(created.token, /^berth_[\w-]{43}$/);
    const row = await f.cp.deps.db.apiToken.findUniqueOrThrow({
      where: { id: created.id },
      omit: { tokenHash: false },
    });
    assert.equal(row.tokenHash, createHash('sha256').update(created.token).digest('hex'));
    const listed = await f.rest('GET', '/tokens', { bearer: created.token });
    assert.equal(listed.status, 200);
    assert.ok(!JSON.stringify(listed.body).includes(created.token), 'the secret is never listed');
    assert.deepEqual(
      (listed.body as { name: string }[]).map((t) => t.name),
      ['berthtest-ci'],
    );
    // A mutation with a Bearer token and no Origin header is fine: no cookie rides along.
    const renamed = await f.rest(
      'POST',
      `/hosts/${hostId}/rename`,
      { bearer: created.token },
      { name: 'berthtest-renamed' },
    );
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.equal(
      (await f.cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).name,
      'berthtest-renamed',
    );
    const last = await f.cp.deps.db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    assert.ok(last.lastUsedAt, 'last use is recorded');
    // Cookie sessions still need the Origin for mutations, over REST too.
    const noOrigin = await fetch(`${f.cp.url}/api/v1/hosts/${hostId}/rename`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'berthtest-csrf' }),
    });
    assert.equal(noOrigin.status, 403);
    assert.equal(
      (await f.cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).name,
      'berthtest-renamed',
    );
  });

  test('wrong, expired and revoked tokens get 401 with a clear message and change nothing', async () => {
    const expired = await createToken({ cookie: admin.cookie }, { name: 'berthtest-old', scope: 'admin' });
    await f.cp.deps.db.apiToken.update({
      where: { id: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const revoked = await createToken({ cookie: admin.cookie }, { name: 'berthtest-gone', scope: 'admin' });
    const revoke = await f.rest('DELETE', `/tokens/${revoked.id}`, { cookie: admin.cookie });
    assert.equal(revoke.status, 200);
    const cases: [string, RegExp][] = [
      ['berth_not-a-real-token-berthtest', /unknown or revoked API token/],
      [expired.token, /expired at/],
      [revoked.token, /unknown or revoked API token/],
    ];
    const usersBefore = await f.cp.deps.db.user.count();
    for (const [token, message] of cases) {
      const viaRest = await f.rest(
        'POST',
        '/users',
        { bearer: token },
        {
          username: 'berthtest-sneaky',
          password: 'berthtest-password',
          role: 'admin',
        },
      );
      assert.equal(viaRest.status, 401);
      assert.match((viaRest.body as { error: { message: string } }).error.message, message);
      const viaTrpc = await f.trpc(
        'users.create',
        { bearer: token },
        {
          username: 'berthtest-sneaky',
          password: 'berthtest-password',
          role: 'admin',
        },
      );
      assert.equal(viaTrpc.status, 401);
      assert.match(JSON.stringify(viaTrpc.body), message);
    }
    assert.equal(await f.cp.deps.db.user.count(), usersBefore);
  });

  test('a token never exceeds its scope or its owner', async () => {
    const read = await createToken({ cookie: admin.cookie }, { name: 'berthtest-read', scope: 'read' });
    const write = await createToken({ cookie: admin.cookie }, { name: 'berthtest-write', scope: 'write' });
    assert.equal((await f.rest('GET', '/hosts', { bearer: read.token })).status, 200);
    const readRename = await f.rest(
      'POST',
      `/hosts/${hostId}/rename`,
      { bearer: read.token },
      { name: 'berthtest-x' },
    );
    assert.equal(readRename.status, 403);
    assert.match((readRename.body as { error: { message: string } }).error.message, /read-only/);
    const writeRename = await f.rest(
      'POST',
      `/hosts/${hostId}/rename`,
      { bearer: write.token },
      { name: 'berthtest-x' },
    );
    assert.equal(writeRename.status, 403, 'renaming needs manage, beyond a write token');
    assert.match(
      (writeRename.body as { error: { message: string } }).error.message,
      /scope \(write\) does not allow manage/,
    );
    const writeAdmin = await f.rest('GET', '/users', { bearer: write.token });
    assert.equal(writeAdmin.status, 403);
    const upscope = await f.rest(
      'POST',
      '/tokens',
      { bearer: write.token },
      { name: 'berthtest-up', scope: 'admin' },
    );
    assert.equal(upscope.status, 403);
    assert.equal(
      (await f.cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).name,
      'berthtest-renamed',
    );

    // An admin-scope token of a viewer is still a viewer's token: the owner's rights cap it.
    const viewer = await f.makeUser('berthtest-viewer', 'viewer');
    const viewerToken = await createToken({ cookie: viewer.cookie }, { name: 'berthtest-v', scope: 'admin' });
    assert.equal((await f.rest('GET', '/users', { bearer: viewerToken.token })).status, 403);
    assert.deepEqual((await f.rest('GET', '/hosts', { bearer: viewerToken.token })).body, []);
    // Disabling the owner stops the token.
    await f.rest('PUT', `/users/${viewer.id}/disabled`, { cookie: admin.cookie }, { disabled: true });
    const disabled = await f.rest('GET', '/hosts', { bearer: viewerToken.token });
    assert.equal(disabled.status, 401);
    assert.match((disabled.body as { error: { message: string } }).error.message, /disabled/);
    const failures = await f.cp.deps.db.auditLog.count({
      where: { result: 'failure', actor: 'berthtest-admin' },
    });
    assert.ok(failures >= 3, 'refused token calls are audited');
  });

  test('guessing tokens is throttled like passwords (429 with Retry-After)', async () => {
    let last = await f.rest('GET', '/hosts', { bearer: 'berth_berthtest-guess-0' });
    for (let i = 1; i < 12; i++)
      last = await f.rest('GET', '/hosts', { bearer: `berth_berthtest-guess-${i}` });
    assert.equal(last.status, 429);
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  });
});

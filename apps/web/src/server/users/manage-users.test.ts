import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiFixture, startApiFixture } from '../testing/api-fixture.ts';

describe('user, team and grant management over REST (real HTTP, real PostgreSQL)', () => {
  let f: ApiFixture;
  let admin: { id: string; cookie: string };

  before(async () => {
    f = await startApiFixture();
    admin = await f.makeUser('berthtest-admin', 'admin');
  });
  after(async () => {
    await f?.close();
  });

  async function login(username: string, password: string) {
    const result = await f.trpc('auth.login', {}, { username, password }, 'mutation');
    return { status: result.status, cookie: (result.headers.get('set-cookie') ?? '').split(';')[0]! };
  }

  test('an admin creates, demotes, disables, re-enables, resets and deletes an account', async () => {
    const created = await f.rest('POST', '/users', admin, {
      username: 'berthtest-alice',
      password: 'berthtest-alice-pw',
      role: 'operator',
    });
    assert.equal(created.status, 200);
    const alice = created.body as { id: string; role: string };
    assert.equal(alice.role, 'operator');
    assert.equal(
      (
        await f.rest('POST', '/users', admin, {
          username: 'berthtest-alice',
          password: 'berthtest-alice-pw',
          role: 'viewer',
        })
      ).status,
      409,
    );
    const session = await login('berthtest-alice', 'berthtest-alice-pw');
    assert.equal(session.status, 200);

    assert.equal((await f.rest('PUT', `/users/${alice.id}/role`, admin, { role: 'viewer' })).status, 200);
    assert.equal((await f.trpc('auth.me', { cookie: session.cookie })).status, 200);
    assert.match(
      JSON.stringify((await f.trpc('auth.me', { cookie: session.cookie })).body),
      /"role":"viewer"/,
    );

    assert.equal((await f.rest('PUT', `/users/${alice.id}/disabled`, admin, { disabled: true })).status, 200);
    assert.equal((await f.rest('GET', '/hosts', { cookie: session.cookie })).status, 401, 'sessions end');
    const refused = await login('berthtest-alice', 'berthtest-alice-pw');
    assert.equal(refused.status, 401);
    assert.match(
      JSON.stringify(
        await f.trpc(
          'auth.login',
          {},
          { username: 'berthtest-alice', password: 'berthtest-alice-pw' },
          'mutation',
        ),
      ),
      /disabled/,
    );
    assert.equal(
      (await f.rest('PUT', `/users/${alice.id}/disabled`, admin, { disabled: false })).status,
      200,
    );

    const again = await login('berthtest-alice', 'berthtest-alice-pw');
    assert.equal(again.status, 200);
    assert.equal(
      (await f.rest('POST', `/users/${alice.id}/password`, admin, { newPassword: 'berthtest-alice-new' }))
        .status,
      200,
    );
    assert.equal(
      (await f.rest('GET', '/hosts', { cookie: again.cookie })).status,
      401,
      'reset ends sessions',
    );
    assert.equal((await login('berthtest-alice', 'berthtest-alice-pw')).status, 401);
    assert.equal((await login('berthtest-alice', 'berthtest-alice-new')).status, 200);

    assert.equal((await f.rest('DELETE', `/users/${alice.id}`, admin)).status, 200);
    assert.equal(await f.cp.deps.db.user.count({ where: { username: 'berthtest-alice' } }), 0);
    const actions = (
      await f.cp.deps.db.auditLog.findMany({
        where: { target: 'berthtest-alice', result: 'success' },
        orderBy: { at: 'asc' },
      })
    ).map((a) => a.action);
    assert.deepEqual(actions, [
      'user.create',
      'user.set-role',
      'user.disable',
      'user.enable',
      'user.reset-password',
      'user.delete',
    ]);
  });

  test('the last enabled admin cannot be demoted, disabled or deleted', async () => {
    for (const [method, path, body] of [
      ['PUT', `/users/${admin.id}/role`, { role: 'viewer' }],
      ['PUT', `/users/${admin.id}/disabled`, { disabled: true }],
      ['DELETE', `/users/${admin.id}`, undefined],
    ] as const) {
      const result = await f.rest(method, path, admin, body);
      assert.equal(result.status, 409, `${method} ${path}`);
      assert.match(JSON.stringify(result.body), /last enabled admin/);
    }
    const row = await f.cp.deps.db.user.findUniqueOrThrow({ where: { id: admin.id } });
    assert.equal(row.role, 'admin');
    assert.equal(row.disabledAt, null);
  });

  test('a team grant gives its members access; leaving the team takes it away', async () => {
    const hostId = await f.makeHost('berthtest-web-1', { app: 'web' });
    const bob = await f.makeUser('berthtest-bob', 'viewer');
    const team = (await f.rest('POST', '/teams', admin, { name: 'berthtest-web-team' })).body as {
      id: string;
    };
    const group = (
      await f.rest('POST', '/host-groups', admin, { name: 'berthtest-web', matchLabels: { app: 'web' } })
    ).body as { id: string };
    const grant = await f.rest('POST', '/grants', admin, {
      hostGroupId: group.id,
      teamId: team.id,
      role: 'admin',
      remove: ['terminal'],
    });
    assert.equal(grant.status, 200);
    const both = await f.rest('POST', '/grants', admin, {
      hostGroupId: group.id,
      teamId: team.id,
      userId: bob.id,
      role: 'viewer',
    });
    assert.equal(both.status, 400);
    assert.match(JSON.stringify(both.body), /exactly one of userId and teamId/);

    assert.deepEqual((await f.rest('GET', '/hosts', bob)).body, []);
    assert.equal((await f.rest('PUT', `/teams/${team.id}/members/${bob.id}`, admin)).status, 200);
    assert.deepEqual(
      ((await f.rest('GET', '/hosts', bob)).body as { id: string }[]).map((h) => h.id),
      [hostId],
    );
    assert.equal(
      (await f.rest('POST', `/hosts/${hostId}/rename`, bob, { name: 'berthtest-web-one' })).status,
      200,
    );
    assert.equal((await f.rest('DELETE', `/teams/${team.id}/members/${bob.id}`, admin)).status, 200);
    assert.equal(
      (await f.rest('POST', `/hosts/${hostId}/rename`, bob, { name: 'berthtest-web-two' })).status,
      403,
    );
    assert.equal(
      (await f.cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).name,
      'berthtest-web-one',
    );

    const grants = (await f.rest('GET', `/grants?hostGroupId=${group.id}`, admin)).body as {
      id: string;
      remove: string[];
    }[];
    assert.deepEqual(
      grants.map((g) => g.remove),
      [['terminal']],
    );
    assert.equal((await f.rest('DELETE', `/grants/${grants[0]!.id}`, admin)).status, 200);
    assert.equal((await f.rest('DELETE', `/host-groups/${group.id}`, admin)).status, 200);
    assert.equal((await f.rest('DELETE', `/teams/${team.id}`, admin)).status, 200);
  });

  test('log out everywhere ends every session of the caller', async () => {
    await f.makeUser('berthtest-carol', 'viewer', 'berthtest-carol-pw');
    const one = await login('berthtest-carol', 'berthtest-carol-pw');
    const two = await login('berthtest-carol', 'berthtest-carol-pw');
    const out = await f.trpc('auth.logoutEverywhere', { cookie: one.cookie }, null, 'mutation');
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', /berth_session=;/);
    assert.equal((await f.rest('GET', '/hosts', { cookie: one.cookie })).status, 401);
    assert.equal((await f.rest('GET', '/hosts', { cookie: two.cookie })).status, 401);
    assert.equal((await f.rest('GET', '/hosts', admin)).status, 200, "other users' sessions stay");
  });
});

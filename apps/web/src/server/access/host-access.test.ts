import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Role } from '@berth/db';
import { ServiceError } from '../errors.ts';
import { type ApiFixture, startApiFixture } from '../testing/api-fixture.ts';
import { createHostAccessSource } from './grant-lookup.ts';
import {
  type AccessCaller,
  HOST_CAPABILITIES,
  type HostCapability,
  listVisibleHostIds,
  requireHostAccess,
} from './host-access.ts';

/**
 * Grants → capabilities, on a real database:
 *   group "a"    = host A explicitly;   group "prod" = every host labelled env=prod (host P)
 *   op     (operator)  user grant operator on a
 *   viewer (viewer)    team grant viewer on a, plus terminal
 *   mgr    (viewer)    user grant admin on prod, minus terminal
 *   nobody (operator)  no grants: a global role alone gives no host rights
 */
describe('requireHostAccess from grants (real PostgreSQL)', () => {
  let f: ApiFixture;
  const hosts: Record<'A' | 'P' | 'C', string> = { A: '', P: '', C: '' };
  const callers: Record<string, AccessCaller> = {};

  before(async () => {
    f = await startApiFixture();
    const db = f.cp.deps.db;
    hosts.A = await f.makeHost('berthtest-a');
    hosts.P = await f.makeHost('berthtest-p', { env: 'prod' });
    hosts.C = await f.makeHost('berthtest-c', { env: 'dev' });
    const groupA = await db.hostGroup.create({
      data: { name: 'berthtest-a', hosts: { create: [{ hostId: hosts.A }] } },
    });
    const groupProd = await db.hostGroup.create({
      data: { name: 'berthtest-prod', matchLabels: { env: 'prod' } },
    });
    const team = await db.team.create({ data: { name: 'berthtest-team' } });
    const users: [string, Role][] = [
      ['admin', 'admin'],
      ['op', 'operator'],
      ['viewer', 'viewer'],
      ['mgr', 'viewer'],
      ['nobody', 'operator'],
    ];
    for (const [name, role] of users) {
      const user = await db.user.create({ data: { username: `berthtest-${name}`, role, passwordHash: 'x' } });
      callers[name] = {
        id: user.id,
        username: user.username,
        role,
        access: createHostAccessSource(db, user.id),
      };
    }
    await db.teamMember.create({ data: { teamId: team.id, userId: callers.viewer!.id } });
    await db.grant.createMany({
      data: [
        { hostGroupId: groupA.id, userId: callers.op!.id, role: 'operator' },
        { hostGroupId: groupA.id, teamId: team.id, role: 'viewer', add: ['terminal'] },
        { hostGroupId: groupProd.id, userId: callers.mgr!.id, role: 'admin', remove: ['terminal'] },
      ],
    });
  });
  after(async () => {
    await f?.close();
  });

  const EXPECTED: Record<string, Partial<Record<'A' | 'P' | 'C', HostCapability[]>>> = {
    admin: { A: [...HOST_CAPABILITIES], P: [...HOST_CAPABILITIES], C: [...HOST_CAPABILITIES] },
    op: { A: ['view', 'inspect', 'logs', 'terminal', 'run'] },
    viewer: { A: ['view', 'inspect', 'logs', 'terminal'] },
    mgr: { P: ['view', 'inspect', 'logs', 'run', 'manage'] },
    nobody: {},
  };

  async function allowed(caller: AccessCaller, hostId: string, capability: HostCapability): Promise<boolean> {
    try {
      await requireHostAccess(caller, hostId, capability);
      return true;
    } catch (err) {
      assert.ok(err instanceof ServiceError && err.code === 'forbidden', String(err));
      assert.match(err.message, new RegExp(capability));
      return false;
    }
  }

  test('every caller × host × capability is decided by the union of user and team grants', async () => {
    for (const [name, byHost] of Object.entries(EXPECTED)) {
      for (const host of ['A', 'P', 'C'] as const) {
        for (const capability of HOST_CAPABILITIES) {
          const expected = (byHost[host] ?? []).includes(capability);
          // A fresh source per check: no memo carries over between callers.
          const caller = {
            ...callers[name]!,
            access: createHostAccessSource(f.cp.deps.db, callers[name]!.id),
          };
          assert.equal(
            await allowed(caller, hosts[host], capability),
            expected,
            `${name} ${capability} on ${host}`,
          );
        }
      }
    }
  });

  test('visible hosts follow grants; labels move hosts in and out of selector groups', async () => {
    const visible = async (name: string) =>
      (
        await listVisibleHostIds({
          ...callers[name]!,
          access: createHostAccessSource(f.cp.deps.db, callers[name]!.id),
        })
      ).sort();
    assert.deepEqual(await visible('admin'), [hosts.A, hosts.P, hosts.C].sort());
    assert.deepEqual(await visible('op'), [hosts.A]);
    assert.deepEqual(await visible('mgr'), [hosts.P]);
    assert.deepEqual(await visible('nobody'), []);
    await f.cp.deps.db.host.update({ where: { id: hosts.C }, data: { labels: { env: 'prod' } } });
    assert.deepEqual(await visible('mgr'), [hosts.P, hosts.C].sort());
    await f.cp.deps.db.host.update({ where: { id: hosts.C }, data: { labels: { env: 'dev' } } });
    assert.deepEqual(await visible('mgr'), [hosts.P]);
  });

  test('a token scope caps the grants; a caller without a grant source is only trusted as admin', async () => {
    const opRead = { ...callers.op!, tokenScope: 'read' as const };
    assert.equal(await allowed(opRead, hosts.A, 'logs'), true);
    await assert.rejects(requireHostAccess(opRead, hosts.A, 'run'), /scope \(read\) does not allow run/);
    const bare = { id: callers.op!.id, username: 'berthtest-op', role: 'operator' as const };
    assert.equal(await allowed(bare, hosts.A, 'view'), false);
    assert.equal(await allowed({ ...bare, role: 'admin' }, hosts.A, 'manage'), true);
  });
});

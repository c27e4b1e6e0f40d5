import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ApiFixture,
  type ApiResult,
  type Credentials,
  startApiFixture,
} from '../testing/api-fixture.ts';

type Who = 'admin' | 'op' | 'mgr' | 'nobody';

interface Call {
  family: string;
  /** tRPC path and input; REST method, path and body. `n` makes names unique per attempt. */
  trpc: (n: string) => [path: string, input?: unknown];
  rest: (n: string) => [method: string, path: string, body?: unknown];
  mutation: boolean;
  allowed: Who[];
}

/**
 * Roles × procedure families, each call tried over tRPC and over REST by every caller: the
 * allowed ones succeed; the others are refused (403), audited as failures, and change nothing.
 *   admin: global admin;  op: operator grant on group "a" (host A);
 *   mgr: admin grant on group "prod" (host P);  nobody: no grants.
 */
describe('role matrix over tRPC and REST (real HTTP, real PostgreSQL)', () => {
  let f: ApiFixture;
  const as: Record<Who, Credentials & { id: string }> = {} as never;
  let hostA = '';
  let hostP = '';
  let spareGroup = '';

  before(async () => {
    f = await startApiFixture();
    const db = f.cp.deps.db;
    hostA = await f.makeHost('berthtest-a');
    hostP = await f.makeHost('berthtest-p', { env: 'prod' });
    const groupA = await db.hostGroup.create({
      data: { name: 'berthtest-a', hosts: { create: [{ hostId: hostA }] } },
    });
    const groupProd = await db.hostGroup.create({
      data: { name: 'berthtest-prod', matchLabels: { env: 'prod' } },
    });
    spareGroup = (await db.hostGroup.create({ data: { name: 'berthtest-spare' } })).id;
    const roles = { admin: 'admin', op: 'operator', mgr: 'viewer', nobody: 'viewer' } as const;
    for (const who of Object.keys(roles) as Who[]) {
      const user = await f.makeUser(`berthtest-${who}`, roles[who]);
      as[who] = { cookie: user.cookie, id: user.id };
    }
    await db.grant.createMany({
      data: [
        { hostGroupId: groupA.id, userId: as.op.id, role: 'operator' },
        { hostGroupId: groupProd.id, userId: as.mgr.id, role: 'admin' },
      ],
    });
  });
  after(async () => {
    await f?.close();
  });

  const calls: Call[] = [
    {
      family: 'hosts: rename (manage on host A)',
      trpc: (n) => ['hosts.rename', { hostId: hostA, name: `berthtest-a-${n}` }],
      rest: (n) => ['POST', `/hosts/${hostA}/rename`, { name: `berthtest-a-${n}` }],
      mutation: true,
      allowed: ['admin'],
    },
    {
      family: 'hosts: labels (manage on host P)',
      trpc: (n) => ['hosts.setLabels', { hostId: hostP, labels: { env: 'prod', rev: n } }],
      rest: (n) => ['PUT', `/hosts/${hostP}/labels`, { labels: { env: 'prod', rev: n } }],
      mutation: true,
      allowed: ['admin', 'mgr'],
    },
    {
      family: 'hosts: join token',
      trpc: () => ['hosts.createJoinToken', { ttlMinutes: 5 }],
      rest: () => ['POST', '/hosts/join-tokens', { ttlMinutes: 5 }],
      mutation: true,
      allowed: ['admin'],
    },
    {
      family: 'users: create',
      trpc: (n) => [
        'users.create',
        { username: `berthtest-u-${n}`, password: 'berthtest-password', role: 'viewer' },
      ],
      rest: (n) => [
        'POST',
        '/users',
        { username: `berthtest-u-${n}`, password: 'berthtest-password', role: 'viewer' },
      ],
      mutation: true,
      allowed: ['admin'],
    },
    {
      family: 'users: list',
      trpc: () => ['users.list'],
      rest: () => ['GET', '/users'],
      mutation: false,
      allowed: ['admin'],
    },
    {
      family: 'teams: create',
      trpc: (n) => ['teams.create', { name: `berthtest-t-${n}` }],
      rest: (n) => ['POST', '/teams', { name: `berthtest-t-${n}` }],
      mutation: true,
      allowed: ['admin'],
    },
    {
      family: 'host groups: create',
      trpc: (n) => ['hostGroups.create', { name: `berthtest-g-${n}`, hostIds: [hostA] }],
      rest: (n) => ['POST', '/host-groups', { name: `berthtest-g-${n}`, hostIds: [hostA] }],
      mutation: true,
      allowed: ['admin'],
    },
    {
      family: 'grants: create',
      trpc: () => ['grants.create', { hostGroupId: spareGroup, userId: as.nobody.id, role: 'viewer' }],
      rest: () => ['POST', '/grants', { hostGroupId: spareGroup, userId: as.nobody.id, role: 'viewer' }],
      mutation: true,
      allowed: ['admin'],
    },
    {
      family: 'audit: list',
      trpc: () => ['audit.list', { limit: 5 }],
      rest: () => ['GET', '/audit?limit=5'],
      mutation: false,
      allowed: ['admin'],
    },
    {
      family: 'tokens: create your own',
      trpc: (n) => ['tokens.create', { name: `berthtest-k-${n}`, scope: 'read' }],
      rest: (n) => ['POST', '/tokens', { name: `berthtest-k-${n}`, scope: 'read' }],
      mutation: true,
      allowed: ['admin', 'op', 'mgr', 'nobody'],
    },
  ];

  /** Everything a refused call could have changed. */
  async function snapshot() {
    const db = f.cp.deps.db;
    return JSON.stringify({
      users: await db.user.count(),
      teams: await db.team.count(),
      groups: await db.hostGroup.count(),
      grants: await db.grant.count(),
      joinTokens: await db.joinToken.count(),
      apiTokens: await db.apiToken.count(),
      hosts: await db.host.findMany({ orderBy: { id: 'asc' }, select: { name: true, labels: true } }),
    });
  }

  async function attempt(call: Call, who: Who, transport: 'trpc' | 'rest'): Promise<ApiResult> {
    const n = `${transport}-${who}`;
    if (transport === 'trpc') {
      const [path, input] = call.trpc(n);
      return f.trpc(path, as[who], input, call.mutation ? 'mutation' : 'query');
    }
    const [method, path, body] = call.rest(n);
    return f.rest(method, path, as[who], body);
  }

  for (const transport of ['trpc', 'rest'] as const) {
    test(`every family × role over ${transport}`, async () => {
      for (const call of calls) {
        for (const who of Object.keys(as) as Who[]) {
          const label = `${call.family} as ${who} over ${transport}`;
          if (call.allowed.includes(who)) {
            const result = await attempt(call, who, transport);
            assert.equal(result.status, 200, `${label}: ${JSON.stringify(result.body)}`);
            continue;
          }
          const before = await snapshot();
          const failuresBefore = await f.cp.deps.db.auditLog.count({
            where: { actorUserId: as[who].id, result: 'failure' },
          });
          const result = await attempt(call, who, transport);
          assert.equal(result.status, 403, `${label}: ${JSON.stringify(result.body)}`);
          assert.equal(await snapshot(), before, `${label} changed nothing`);
          if (call.mutation) {
            const failures = await f.cp.deps.db.auditLog.count({
              where: { actorUserId: as[who].id, result: 'failure' },
            });
            assert.equal(failures, failuresBefore + 1, `${label} is audited as a failure`);
          }
          if (transport === 'rest') {
            const error = (result.body as { error: { code: string; message: string } }).error;
            assert.equal(error.code, 'FORBIDDEN');
            assert.ok(error.message.length > 0);
          }
        }
      }
    });
  }

  test('hosts.list shows each caller only the hosts it may view', async () => {
    const names = async (who: Who) =>
      ((await f.rest('GET', '/hosts', as[who])).body as { id: string }[]).map((h) => h.id).sort();
    assert.deepEqual(await names('admin'), [hostA, hostP].sort());
    assert.deepEqual(await names('op'), [hostA]);
    assert.deepEqual(await names('mgr'), [hostP]);
    assert.deepEqual(await names('nobody'), []);
  });

  test('an unknown host is 403 for non-admins (no probing) and 404 for admins; failures name the host', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    const asOp = await f.rest('POST', `/hosts/${unknown}/rename`, as.op, { name: 'berthtest-ghost' });
    assert.equal(asOp.status, 403);
    const asAdmin = await f.rest('POST', `/hosts/${unknown}/rename`, as.admin, { name: 'berthtest-ghost' });
    assert.equal(asAdmin.status, 404);
    const audited = await f.cp.deps.db.auditLog.findFirstOrThrow({
      where: { actorUserId: as.admin.id, result: 'failure', target: unknown },
    });
    assert.equal(audited.action, 'hosts.rename');
  });
});

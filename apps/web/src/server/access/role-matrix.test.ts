import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type ApiFixture,
  type ApiResult,
  type Credentials,
  startApiFixture,
} from '../testing/api-fixture.ts';
import { appRouter } from '../trpc/app-router.ts';
import type { ProcedureMeta } from '../trpc/init.ts';

type Who = 'admin' | 'op' | 'mgr' | 'nobody';
const EVERYONE: Who[] = ['admin', 'op', 'mgr', 'nobody'];

interface Call {
  /** the tRPC path; the REST route comes from the procedure's own openapi meta */
  procedure: string;
  /** makes what the call acts on, fresh for each attempt (`n` names it uniquely) */
  setup?: (n: string, who: Who) => Promise<string>;
  input?: (n: string, made: string) => Record<string, unknown>;
  allowed: Who[];
  /** the status of a refusal: 403, or 404 where existence itself is not revealed */
  refusal?: 403 | 404;
}

/** Procedures every logged-in caller may use on their own session; tested in trpc/auth.test.ts. */
const OWN_SESSION = ['auth.me', 'auth.login', 'auth.logout', 'auth.changePassword', 'auth.logoutEverywhere'];

const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: 'query' | 'mutation'; meta?: ProcedureMeta } }
>;

/**
 * Roles × procedure families, each call tried over tRPC and over REST by every caller: the
 * allowed ones succeed; the others are refused (403), audited as failures, and change nothing.
 *   admin: global admin;  op: operator grant on group "a" (host A);
 *   mgr: admin grant on group "prod" (hosts labelled env=prod);  nobody: no grants.
 */
describe('role matrix over tRPC and REST (real HTTP, real PostgreSQL)', () => {
  let f: ApiFixture;
  const as: Record<Who, Credentials & { id: string }> = {} as never;
  let hostA = '';
  let hostP = '';
  let spareGroup = '';
  let spareUser = '';
  let spareTeam = '';

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
    spareUser = (await db.user.create({ data: { username: 'berthtest-spare', passwordHash: 'x' } })).id;
    spareTeam = (await db.team.create({ data: { name: 'berthtest-spare' } })).id;
    const roles = { admin: 'admin', op: 'operator', mgr: 'viewer', nobody: 'viewer' } as const;
    for (const who of EVERYONE) {
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

  const db = () => f.cp.deps.db;
  const calls: Call[] = [
    { procedure: 'hosts.list', allowed: EVERYONE },
    {
      procedure: 'hosts.rename',
      input: (n) => ({ hostId: hostA, name: `berthtest-a-${n}` }),
      allowed: ['admin'],
    },
    {
      procedure: 'hosts.setLabels',
      input: (n) => ({ hostId: hostP, labels: { env: 'prod', rev: n } }),
      allowed: ['admin', 'mgr'],
    },
    {
      procedure: 'hosts.remove',
      setup: (n) => f.makeHost(`berthtest-doomed-${n}`, { env: 'prod' }),
      input: (_: string, hostId) => ({ hostId }),
      allowed: ['admin', 'mgr'],
    },
    { procedure: 'hosts.createJoinToken', input: () => ({ ttlMinutes: 5 }), allowed: ['admin'] },
    { procedure: 'users.list', allowed: ['admin'] },
    {
      procedure: 'users.create',
      input: (n) => ({ username: `berthtest-u-${n}`, password: 'berthtest-password', role: 'viewer' }),
      allowed: ['admin'],
    },
    {
      procedure: 'users.setRole',
      input: () => ({ userId: spareUser, role: 'operator' }),
      allowed: ['admin'],
    },
    {
      procedure: 'users.setDisabled',
      input: () => ({ userId: spareUser, disabled: false }),
      allowed: ['admin'],
    },
    {
      procedure: 'users.resetPassword',
      input: () => ({ userId: spareUser, newPassword: 'berthtest-new-password' }),
      allowed: ['admin'],
    },
    {
      procedure: 'users.delete',
      setup: async (n) =>
        (await db().user.create({ data: { username: `berthtest-d-${n}`, passwordHash: 'x' } })).id,
      input: (_: string, userId) => ({ userId }),
      allowed: ['admin'],
    },
    { procedure: 'teams.list', allowed: ['admin'] },
    { procedure: 'teams.create', input: (n) => ({ name: `berthtest-t-${n}` }), allowed: ['admin'] },
    {
      procedure: 'teams.delete',
      setup: async (n) => (await db().team.create({ data: { name: `berthtest-dt-${n}` } })).id,
      input: (_: string, teamId) => ({ teamId }),
      allowed: ['admin'],
    },
    {
      procedure: 'teams.addMember',
      input: () => ({ teamId: spareTeam, userId: spareUser }),
      allowed: ['admin'],
    },
    {
      procedure: 'teams.removeMember',
      input: () => ({ teamId: spareTeam, userId: spareUser }),
      allowed: ['admin'],
    },
    { procedure: 'hostGroups.list', allowed: ['admin'] },
    {
      procedure: 'hostGroups.create',
      input: (n) => ({ name: `berthtest-g-${n}`, hostIds: [hostA] }),
      allowed: ['admin'],
    },
    {
      procedure: 'hostGroups.addHost',
      input: () => ({ hostGroupId: spareGroup, hostId: hostA }),
      allowed: ['admin'],
    },
    {
      procedure: 'hostGroups.removeHost',
      input: () => ({ hostGroupId: spareGroup, hostId: hostA }),
      allowed: ['admin'],
    },
    {
      procedure: 'hostGroups.delete',
      setup: async (n) => (await db().hostGroup.create({ data: { name: `berthtest-dg-${n}` } })).id,
      input: (_: string, hostGroupId) => ({ hostGroupId }),
      allowed: ['admin'],
    },
    { procedure: 'grants.list', input: () => ({}), allowed: ['admin'] },
    {
      procedure: 'grants.create',
      input: () => ({ hostGroupId: spareGroup, userId: spareUser, role: 'viewer' }),
      allowed: ['admin'],
    },
    {
      procedure: 'grants.delete',
      setup: async () =>
        (await db().grant.create({ data: { hostGroupId: spareGroup, userId: spareUser, role: 'viewer' } }))
          .id,
      input: (_: string, grantId) => ({ grantId }),
      allowed: ['admin'],
    },
    { procedure: 'audit.list', input: () => ({ limit: 5 }), allowed: ['admin'] },
    { procedure: 'tokens.list', input: () => ({}), allowed: EVERYONE },
    {
      procedure: 'tokens.create',
      input: (n) => ({ name: `berthtest-k-${n}`, scope: 'read' }),
      allowed: EVERYONE,
    },
    {
      procedure: 'tokens.revoke',
      // Someone else's token: only admins may revoke it; others are not told it exists.
      setup: async (n) =>
        (
          await db().apiToken.create({
            data: { name: n, tokenHash: `berthtest-${n}`, userId: spareUser, scope: 'read' },
          })
        ).id,
      input: (_: string, tokenId) => ({ tokenId }),
      allowed: ['admin'],
      refusal: 404,
    },
  ];

  test('the matrix covers every procedure of these routers', () => {
    const families = new Set(calls.map((c) => c.procedure.split('.')[0]));
    const uncovered = Object.keys(procedures).filter(
      (path) =>
        families.has(path.split('.')[0]) &&
        !OWN_SESSION.includes(path) &&
        !calls.some((c) => c.procedure === path),
    );
    assert.deepEqual(uncovered, []);
  });

  /** Everything a refused call could have changed. */
  async function snapshot() {
    const db = f.cp.deps.db;
    return JSON.stringify({
      users: await db.user.findMany({
        orderBy: { id: 'asc' },
        select: { username: true, role: true, disabledAt: true, passwordHash: true },
      }),
      teams: await db.team.findMany({ orderBy: { id: 'asc' }, include: { members: true } }),
      groups: await db.hostGroup.findMany({ orderBy: { id: 'asc' }, include: { hosts: true } }),
      grants: await db.grant.count(),
      joinTokens: await db.joinToken.count(),
      apiTokens: await db.apiToken.count(),
      hosts: await db.host.findMany({ orderBy: { id: 'asc' }, select: { name: true, labels: true } }),
    });
  }

  /** The REST request for a procedure's input, as its openapi meta lays it out. */
  function restRequest(procedure: string, input: Record<string, unknown> | undefined) {
    const meta = procedures[procedure]!._def.meta!.openapi!;
    const rest = { ...input };
    const path = meta.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = String(rest[name]);
      delete rest[name];
      return encodeURIComponent(value);
    });
    if (meta.method === 'GET' || meta.method === 'DELETE') {
      const query = new URLSearchParams(Object.entries(rest).map(([k, v]) => [k, String(v)])).toString();
      return [meta.method, query ? `${path}?${query}` : path, undefined] as const;
    }
    return [meta.method, path, rest] as const;
  }

  /** Makes what the call acts on, then returns the call, ready to send. */
  async function prepare(
    call: Call,
    who: Who,
    transport: 'trpc' | 'rest',
  ): Promise<() => Promise<ApiResult>> {
    const n = `${transport}-${who}`;
    const made = call.setup ? await call.setup(n, who) : '';
    const input = call.input?.(n, made);
    if (transport === 'trpc') {
      return () => f.trpc(call.procedure, as[who], input, procedures[call.procedure]!._def.type);
    }
    const [method, path, body] = restRequest(call.procedure, input);
    return () => f.rest(method, path, as[who], body);
  }

  for (const transport of ['trpc', 'rest'] as const) {
    test(`every family × role over ${transport}`, async () => {
      for (const call of calls) {
        for (const who of EVERYONE) {
          const label = `${call.procedure} as ${who} over ${transport}`;
          const send = await prepare(call, who, transport);
          if (call.allowed.includes(who)) {
            const result = await send();
            assert.equal(result.status, 200, `${label}: ${JSON.stringify(result.body)}`);
            continue;
          }
          const before = await snapshot();
          const failuresBefore = await f.cp.deps.db.auditLog.count({
            where: { actorUserId: as[who].id, result: 'failure' },
          });
          const result = await send();
          assert.equal(result.status, call.refusal ?? 403, `${label}: ${JSON.stringify(result.body)}`);
          assert.equal(await snapshot(), before, `${label} changed nothing`);
          if (procedures[call.procedure]!._def.type === 'mutation') {
            const failures = await f.cp.deps.db.auditLog.count({
              where: { actorUserId: as[who].id, result: 'failure' },
            });
            assert.equal(failures, failuresBefore + 1, `${label} is audited as a failure`);
          }
          if (transport === 'rest') {
            const error = (result.body as { error: { code: string; message: string } }).error;
            assert.equal(error.code, call.refusal === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
            assert.ok(error.message.length > 0);
          }
        }
      }
    });
  }

  test('hosts.list shows each caller only the hosts it may view', async () => {
    const ids = async (who: Who) =>
      ((await f.rest('GET', '/hosts', as[who])).body as { id: string }[]).map((h) => h.id).sort();
    // The matrix above left hosts behind (those whose removal was refused), all labelled env=prod.
    const all = await f.cp.deps.db.host.findMany({ select: { id: true, labels: true } });
    const prod = all.filter((h) => (h.labels as Record<string, string>).env === 'prod').map((h) => h.id);
    assert.ok(prod.includes(hostP) && !prod.includes(hostA));
    assert.deepEqual(await ids('admin'), all.map((h) => h.id).sort());
    assert.deepEqual(await ids('op'), [hostA]);
    assert.deepEqual(await ids('mgr'), prod.sort());
    assert.deepEqual(await ids('nobody'), []);
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

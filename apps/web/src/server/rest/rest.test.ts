import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiFixture, startApiFixture } from '../testing/api-fixture.ts';
import { appRouter } from '../trpc/app-router.ts';
import type { ProcedureMeta } from '../trpc/init.ts';

interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

describe('REST /api/v1 and its OpenAPI document (real HTTP, real PostgreSQL)', () => {
  let f: ApiFixture;
  let admin: { id: string; cookie: string };
  let hostId: string;

  before(async () => {
    f = await startApiFixture();
    admin = await f.makeUser('berthtest-admin', 'admin');
    hostId = await f.makeHost('berthtest-host');
  });
  after(async () => {
    await f?.close();
  });

  test('the OpenAPI document lists every procedure with openapi meta, and every reference resolves', async () => {
    const response = await fetch(`${f.cp.url}/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            parameters?: { name: string; in: string }[];
            responses: Record<string, { content: Record<string, { schema?: object }> } | undefined>;
          }
        >
      >;
      components: Record<string, Record<string, unknown>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    const procedures = Object.entries(
      appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>,
    ).filter(([, p]) => p._def.meta?.openapi);
    assert.ok(procedures.length >= 25);
    for (const [name, procedure] of procedures) {
      const { method, path } = procedure._def.meta!.openapi!;
      const operation = doc.paths[path]?.[method.toLowerCase()];
      assert.equal(operation?.operationId, name, `${method} ${path}`);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (operation.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      assert.deepEqual(declared, templated, `${name} declares its path parameters`);
      const content = operation.responses['200']?.content ?? {};
      const answer = (content['application/json'] ?? content['application/x-ndjson'])?.schema ?? {};
      assert.ok(Object.keys(answer).length > 0, `${name} describes its answer (.output())`);
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length > 0);
    for (const ref of refs) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      assert.ok(target, `${ref} resolves`);
    }
    const create = doc.paths['/users']?.post as unknown as {
      requestBody: {
        content: {
          'application/json': {
            schema: { required: string[]; properties: Record<string, { enum?: string[] }> };
          };
        };
      };
    };
    const schema = create.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required.sort(), ['password', 'role', 'username']);
    assert.deepEqual(
      schema.properties.role?.enum,
      ['admin', 'operator', 'viewer'],
      'the zod enum, not a copy',
    );
  });

  test('malformed input is a 400 naming the field, and nothing changes', async () => {
    const users = await f.cp.deps.db.user.count();
    const badRole = await f.rest('POST', '/users', admin, {
      username: 'berthtest-x',
      password: 'berthtest-password',
      role: 'king',
    });
    assert.equal(badRole.status, 400);
    const error = (badRole.body as ErrorBody).error;
    assert.equal(error.code, 'BAD_REQUEST');
    assert.deepEqual(
      error.issues?.map((i) => i.path),
      ['role'],
    );
    assert.match(error.message, /^role: /);
    const shortPassword = await f.rest('POST', '/users', admin, {
      username: 'berthtest-x',
      password: 'short',
      role: 'viewer',
    });
    assert.match((shortPassword.body as ErrorBody).error.message, /password: at least 12 characters/);
    assert.equal(await f.cp.deps.db.user.count(), users);

    const badId = await f.rest('POST', '/hosts/not-a-uuid/rename', admin, { name: 'berthtest-y' });
    assert.equal(badId.status, 400);
    assert.deepEqual(
      (badId.body as ErrorBody).error.issues?.map((i) => i.path),
      ['hostId'],
    );
    const badLimit = await f.rest('GET', '/audit?limit=lots', admin);
    assert.equal(badLimit.status, 400);
    assert.deepEqual(
      (badLimit.body as ErrorBody).error.issues?.map((i) => i.path),
      ['limit'],
    );
    const badLabels = await f.rest('PUT', `/hosts/${hostId}/labels`, admin, { labels: { 'bad key!': 'x' } });
    assert.equal(badLabels.status, 400);
    assert.match((badLabels.body as ErrorBody).error.message, /labels/);
    const notJson = await fetch(`${f.cp.url}/api/v1/teams`, {
      method: 'POST',
      headers: { cookie: admin.cookie, origin: f.cp.url, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    assert.equal(notJson.status, 400);
    assert.match(((await notJson.json()) as ErrorBody).error.message, /not valid JSON/);
    assert.equal(
      (await f.cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).name,
      'berthtest-host',
    );
  });

  test('unknown routes are 404, wrong methods 405 with Allow, no caller 401', async () => {
    const missing = await f.rest('GET', '/nothing-here', admin);
    assert.equal(missing.status, 404);
    assert.equal((missing.body as ErrorBody).error.code, 'NOT_FOUND');
    const wrongMethod = await f.rest('PATCH', '/users', admin, {});
    assert.equal(wrongMethod.status, 405);
    assert.match(wrongMethod.headers.get('allow') ?? '', /GET/);
    const anonymous = await f.rest('GET', '/hosts', {});
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.body as ErrorBody).error.code, 'UNAUTHORIZED');
  });

  test('query parameters are typed from the input schema; audit pages with a cursor', async () => {
    for (const name of ['berthtest-r1', 'berthtest-r2', 'berthtest-r3']) {
      assert.equal((await f.rest('POST', `/hosts/${hostId}/rename`, admin, { name })).status, 200);
    }
    const first = await f.rest('GET', `/audit?action=host.rename&hostId=${hostId}&limit=2`, admin);
    assert.equal(first.status, 200);
    const page1 = first.body as { entries: { detail: { to: string } }[]; nextCursor: string | null };
    assert.deepEqual(
      page1.entries.map((e) => e.detail.to),
      ['berthtest-r3', 'berthtest-r2'],
    );
    assert.ok(page1.nextCursor);
    const second = await f.rest('GET', `/audit?action=host.rename&limit=2&cursor=${page1.nextCursor}`, admin);
    const page2 = second.body as { entries: { detail: { to: string } }[]; nextCursor: string | null };
    assert.deepEqual(
      page2.entries.map((e) => e.detail.to),
      ['berthtest-r1'],
    );
    assert.equal(page2.nextCursor, null);
    const failures = await f.rest('GET', '/audit?result=failure&actor=berthtest-admin', admin);
    assert.ok((failures.body as { entries: unknown[] }).entries.length >= 1, 'the 400s above were audited');
    const future = await f.rest('GET', `/audit?since=${encodeURIComponent('2999-01-01T00:00:00Z')}`, admin);
    assert.deepEqual((future.body as { entries: unknown[] }).entries, []);
  });

  test('removing a host deletes its row and group memberships, and is audited with its id', async () => {
    const doomed = await f.makeHost('berthtest-doomed');
    await f.cp.deps.db.hostGroup.create({
      data: { name: 'berthtest-g', hosts: { create: [{ hostId: doomed }] } },
    });
    const removed = await f.rest('DELETE', `/hosts/${doomed}`, admin);
    assert.equal(removed.status, 200);
    assert.equal(await f.cp.deps.db.host.count({ where: { id: doomed } }), 0);
    assert.equal(await f.cp.deps.db.hostGroupHost.count({ where: { hostId: doomed } }), 0);
    const record = await f.cp.deps.db.auditLog.findFirstOrThrow({ where: { action: 'host.remove' } });
    assert.equal(record.target, doomed);
    assert.equal((await f.rest('DELETE', `/hosts/${doomed}`, admin)).status, 404);
  });
});

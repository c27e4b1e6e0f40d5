import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestHosts, until } from '../../../apps/web/src/server/link/testing/test-hosts.ts';
import { createApiToken } from '../../../apps/web/src/server/tokens/api-tokens.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'berth');

/** `berth` as a script uses it: a token, a control plane, and a real agent running real containers. */
describe('the berth CLI against a control plane with a real agent', { timeout: 180_000 }, () => {
  const hosts = new TestHosts();
  let env: Record<string, string>;
  let home: string;

  before(async () => {
    await hosts.start(1);
    const { token } = await createApiToken(hosts.cp.deps.db, hosts.admin, {
      name: 'berthtest-cli',
      scope: 'write',
    });
    home = mkdtempSync(join(tmpdir(), 'berthtest-cli-agent-'));
    env = { PATH: process.env.PATH ?? '', HOME: home, BERTH_URL: hosts.cp.url, BERTH_TOKEN: token };
  });
  after(async () => {
    await hosts.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const berth = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(BIN, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      });
    });

  test('run -d, ps, logs and logs -f (streams kept apart), stop, rm', async () => {
    const run = await berth([
      'run',
      '--host',
      'berthtest-host-1',
      '-d',
      '--name',
      'berthtest-cli',
      'busybox',
      'sh',
      '-c',
      'echo first; sleep 1; echo second >&2; sleep 300',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const ps = await until('the container listed', async () => {
      const r = await berth(['ps']);
      return /berthtest-cli/.test(r.stdout) && r.stdout;
    });
    assert.match(ps, /berthtest-host-1/);

    const follow = spawn(BIN, ['logs', '-f', 'berthtest-cli'], { env });
    try {
      const seen = { out: '', err: '' };
      follow.stdout.on('data', (d: Buffer) => {
        seen.out += d.toString();
      });
      follow.stderr.on('data', (d: Buffer) => {
        seen.err += d.toString();
      });
      await until('logs -f sees the later line', async () => seen.err.includes('second'));
      assert.equal(seen.out, 'first\n');
      assert.equal(seen.err, 'second\n', 'stderr stays stderr');
    } finally {
      follow.kill();
    }
    const once = await berth(['logs', '-n', '1', 'berthtest-cli']);
    assert.equal(once.code, 0, once.stderr);
    assert.equal(once.stdout + once.stderr, 'second\n', '-n 1: the last line only');

    assert.equal((await berth(['stop', 'berthtest-cli'])).code, 0);
    assert.equal((await berth(['rm', 'berthtest-cli'])).code, 0);
    await until('gone from ps -a', async () => !(await berth(['ps', '-a'])).stdout.includes('berthtest-cli'));
  });

  test('logs of a container that is not there, or with a bad token, fail clearly before any stream', async () => {
    const missing = await berth(['logs', 'berthtest-nowhere']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no container "berthtest-nowhere"/);
    const res = await fetch(
      `${hosts.cp.url}/api/v1/hosts/${hosts.hostIds[0]}/containers/berthtest-nowhere/logs`,
      {
        headers: { authorization: 'Bearer berth_api_not-a-token' },
      },
    );
    assert.equal(res.status, 401, 'a bad token is refused before any stream starts');
    const unknown = await fetch(
      `${hosts.cp.url}/api/v1/hosts/${hosts.hostIds[0]}/containers/berthtest-nowhere/logs`,
      {
        headers: { authorization: `Bearer ${env.BERTH_TOKEN}` },
      },
    );
    assert.equal(unknown.status, 404, await unknown.text());
  });
});

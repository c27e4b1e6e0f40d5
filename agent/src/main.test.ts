import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const main = join(import.meta.dirname, 'main.ts');

// the agent's per-data-root run dir goes under the test's own temp dir, removed with it
const runDir = mkdtempSync(join(tmpdir(), 'berthtest-run-'));
after(() => rmSync(runDir, { recursive: true, force: true }));

function startAgent(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BERTH_RUN_DIR: runDir },
  });
}

async function output(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(child, 'exit');
  return { code, stderr };
}

function get(
  socketPath: string,
  path: string,
): Promise<{ status: number; headers: NodeJS.Dict<string | string[]> }> {
  return new Promise((resolve, reject) => {
    request({ socketPath, path }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    })
      .on('error', reject)
      .end();
  });
}

test('standalone agent serves the Docker API socket and refuses a second agent on the same data root', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berthtest-agent-'));
  const socket = join(dir, 'docker.sock');
  const agent = startAgent(['--data-root', join(dir, 'data'), '--docker-socket', socket]);
  after(async () => {
    agent.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });
  const [line] = await once(agent.stdout!, 'data');
  assert.match(String(line), /Docker API on unix:/);

  const ping = await get(socket, '/_ping');
  assert.equal(ping.status, 200);
  assert.ok(ping.headers['api-version']);
  assert.equal((await stat(socket)).mode & 0o777, 0o660);
  assert.equal((await get(socket, '/v1.41/nope')).status, 404);

  const second = await output(
    startAgent(['--data-root', join(dir, 'data'), '--docker-socket', join(dir, 'b.sock')]),
  );
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another agent .* is running/);

  agent.kill('SIGTERM');
  const [code] = await once(agent, 'exit');
  assert.equal(code, 0);
});

test('bad configuration stops start-up with a one-line reason', async () => {
  const relative = await output(startAgent(['--data-root', 'not/absolute']));
  assert.equal(relative.code, 1);
  assert.match(relative.stderr, /invalid --data-root .*absolute path/);

  const dir = await mkdtemp(join(tmpdir(), 'berthtest-agent-'));
  after(() => rm(dir, { recursive: true, force: true }));
  // a path under a regular file can never be created, even by root
  await writeFile(join(dir, 'file'), '');
  const dataRoot = join(dir, 'file', 'data');
  const unwritable = await output(
    startAgent(['--data-root', dataRoot, '--docker-socket', join(dir, 'x.sock')]),
  );
  assert.equal(unwritable.code, 1);
  assert.match(unwritable.stderr, /data root .*file\/data is not writable/);
});

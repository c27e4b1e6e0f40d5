import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
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

  const berth = (args: string[], input = '') =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(BIN, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      });
      child.stdin?.end(input);
    });

  test('run -d, ps, logs and logs -f, exec (-i, -it), stop, rm: stdout and stderr kept apart', async () => {
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

    const exec = await berth(['exec', 'berthtest-cli', 'sh', '-c', 'echo in-exec; echo to-err >&2; exit 4']);
    assert.equal(exec.code, 4, exec.stderr);
    assert.equal(exec.stdout, 'in-exec\n');
    assert.equal(exec.stderr, 'to-err\n');
    const piped = await berth(['exec', '-i', 'berthtest-cli', 'tr', 'a-z', 'A-Z'], 'shout\n');
    assert.equal(piped.stdout, 'SHOUT\n', 'stdin reaches the process with -i');
    const tty = await new Promise<string>((resolve) => {
      // script(1) gives the CLI a terminal, as a person at a shell has
      execFile(
        'script',
        ['-qc', `${BIN} exec -it berthtest-cli sh -c 'tty; echo $((6*7))'`, '/dev/null'],
        { env, timeout: 60_000 },
        (_e, stdout) => resolve(stdout),
      );
    });
    assert.match(tty, /\/dev\/pts\/\d+\r*\n42/);

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

  test('a malformed control frame on the exec websocket is ignored; the exec still ends with its code', async () => {
    await hosts.cp.deps.gateway.call(hosts.hostIds[0]!, 'containers.run', {
      image: 'busybox',
      name: 'berthtest-cli-frames',
      cmd: ['sleep', '300'],
    });
    const cmd = encodeURIComponent(JSON.stringify(['sh', '-c', 'cat; exit 6']));
    const url = `${hosts.cp.url.replace(/^http/, 'ws')}/api/v1/hosts/${hosts.hostIds[0]}/containers/berthtest-cli-frames/exec?cmd=${cmd}`;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${env.BERTH_TOKEN}` } });
    let output = '';
    const exitCode = await new Promise<number>((resolve, reject) => {
      ws.on('open', () => {
        ws.send('not json {');
        ws.send(JSON.stringify({ type: 'berthtest-unknown' }));
        ws.send(Buffer.from('still-here\n'));
        ws.send(JSON.stringify({ type: 'stdin-end' }));
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) output += data.toString();
        else {
          const m = JSON.parse(String(data)) as { type: string; code?: number };
          if (m.type === 'exit') resolve(m.code ?? -1);
        }
      });
      ws.on('error', reject);
    });
    ws.close();
    assert.equal(exitCode, 6);
    assert.equal(output, 'still-here\n');
    const alive = await fetch(`${hosts.cp.url}/api/v1/hosts`, {
      headers: { authorization: `Bearer ${env.BERTH_TOKEN}` },
    });
    assert.equal(alive.status, 200, 'the control plane is still up');
    await hosts.cp.deps.gateway.call(hosts.hostIds[0]!, 'containers.remove', {
      id: 'berthtest-cli-frames',
      force: true,
    });
  });

  test('exec over the websocket is refused for a read-only token, with the reason', async () => {
    await hosts.cp.deps.gateway.call(hosts.hostIds[0]!, 'containers.run', {
      image: 'busybox',
      name: 'berthtest-cli-exec',
      cmd: ['sleep', '300'],
    });
    const { token } = await createApiToken(hosts.cp.deps.db, hosts.admin, {
      name: 'berthtest-ro',
      scope: 'read',
    });
    const before = await hosts.cp.deps.db.auditLog.count({ where: { action: 'container.exec' } });
    const refused = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        BIN,
        ['exec', '--host', 'berthtest-host-1', 'berthtest-cli-exec', 'true'],
        { env: { ...env, BERTH_TOKEN: token } },
        (err, _o, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr }),
      );
    });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exec refused: .* \(HTTP 403\)/);
    const ok = await berth(['exec', '--host', 'berthtest-host-1', 'berthtest-cli-exec', 'true']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok((await hosts.cp.deps.db.auditLog.count({ where: { action: 'container.exec' } })) > before);
    await hosts.cp.deps.gateway.call(hosts.hostIds[0]!, 'containers.remove', {
      id: 'berthtest-cli-exec',
      force: true,
    });
  });
});

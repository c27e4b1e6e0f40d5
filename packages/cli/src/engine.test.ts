import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { suiteAgent } from '../../../agent/src/docker-api/testing/agent-under-test.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'berth');

/** `berth engine` as an operator types it, against a real agent's socket and real containers. */
describe('berth engine: the local agent from a shell', () => {
  const { agent, docker } = suiteAgent();

  function berth(args: string[], input = '') {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = { PATH: process.env.PATH ?? '', BERTH_SOCKET: agent().socket };
      const child = execFile(BIN, ['engine', ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      });
      child.stdin?.end(input);
    });
  }

  test('images, tag, load of a saved tarball, rmi', async () => {
    const images = await berth(['images']);
    assert.equal(images.code, 0, images.stderr);
    assert.match(images.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE\n/);
    assert.match(images.stdout, /^busybox\s+latest\s+[0-9a-f]{12}\s/m);
    assert.equal((await berth(['tag', 'busybox', 'berthtest/bb:1'])).code, 0);
    const file = join(agent().dir, 'bb.tar');
    assert.equal((await docker('save', '-o', file, 'berthtest/bb:1')).code, 0);
    const rmi = await berth(['rmi', 'berthtest/bb:1']);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.match(rmi.stdout, /^Untagged: berthtest\/bb:1$/m);
    const load = await berth(['load', '-i', file]);
    assert.equal(load.code, 0, load.stderr);
    assert.match(load.stdout, /Loaded image: berthtest\/bb:1/);
    assert.match((await berth(['images'])).stdout, /^berthtest\/bb\s+1\s/m);
    await berth(['rmi', 'berthtest/bb:1']);
  });

  test('run in the foreground: output on its own streams, the container’s exit code, --rm removes it', async () => {
    const r = await berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    const piped = await berth(['run', '--rm', '-i', 'busybox', 'tr', 'a-z', 'A-Z'], 'shout\n');
    assert.equal(piped.stdout, 'SHOUT\n', 'stdin reaches the container with -i');
    assert.equal((await berth(['ps', '-a', '-q'])).stdout, '', '--rm left nothing');
  });

  test('detached: ps, logs -f sees a later line, exec, stop, rm', async () => {
    const run = await berth([
      'run',
      '-d',
      '--name',
      'berthtest-eng',
      '-m',
      '64m',
      'busybox',
      'sh',
      '-c',
      'echo first; sleep 1; echo second; sleep 300',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const ps = await berth(['ps']);
    assert.match(ps.stdout, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+STATUS\s+PORTS\s+NAMES$/m);
    assert.match(ps.stdout, /busybox\s+"sh -c echo first; sleep 1; ec…"\s+Up .*berthtest-eng$/m);
    const limit = await docker('inspect', '-f', '{{.HostConfig.Memory}}', 'berthtest-eng');
    assert.equal(limit.stdout, `${64 * 1024 * 1024}\n`, '-m reached the container');

    const follow = spawn(BIN, ['engine', 'logs', '-f', 'berthtest-eng'], {
      env: { PATH: process.env.PATH ?? '', BERTH_SOCKET: agent().socket },
    });
    try {
      let seen = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`logs -f saw only: ${seen}`)), 20_000);
        follow.stdout.on('data', (d: Buffer) => {
          seen += d.toString();
          if (seen.includes('second')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      assert.equal(seen, 'first\nsecond\n');
    } finally {
      follow.kill();
    }

    const exec = await berth(['exec', 'berthtest-eng', 'sh', '-c', 'echo in-exec; echo to-err >&2; exit 4']);
    assert.equal(exec.code, 4);
    assert.equal(exec.stdout, 'in-exec\n');
    assert.equal(exec.stderr, 'to-err\n');
    const stdin = await berth(['exec', '-i', 'berthtest-eng', 'sh'], 'echo from-stdin\nexit 5\n');
    assert.equal(stdin.stdout, 'from-stdin\n');
    assert.equal(stdin.code, 5);
    const top = await berth(['top', 'berthtest-eng']);
    assert.match(top.stdout, /sleep 300/);

    assert.equal((await berth(['stop', '-t', '1', 'berthtest-eng'])).stdout, 'berthtest-eng\n');
    assert.match((await berth(['ps', '-a'])).stdout, /Exited \(137\)/);
    assert.equal((await berth(['rm', 'berthtest-eng'])).code, 0);
    assert.doesNotMatch((await berth(['ps', '-a'])).stdout, /berthtest-eng/);
  });

  test('the agent’s errors, clearly, with a failing exit status', async () => {
    const missing = await berth(['start', 'berthtest-none']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^berth: No such container: berthtest-none$/m);
    const noCommand = await berth(['run', '--rm', 'busybox', 'berthtest-no-such-command']);
    assert.equal(noCommand.code, 127, 'as docker run: 127 for a command that is not there');
    assert.match(noCommand.stderr, /executable file not found/);
    await berth(['create', '--name', 'berthtest-taken', 'busybox', 'true']);
    const taken = await berth(['create', '--name', 'berthtest-taken', 'busybox', 'true']);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /berthtest-taken.*already in use/);
    await berth(['rm', 'berthtest-taken']);
    const badFlag = await berth(['run', '-p', 'nonsense', 'busybox']);
    assert.equal(badFlag.code, 125);
    assert.match(badFlag.stderr, /invalid -p "nonsense"/);
    const noAgent = await new Promise<{ stderr: string }>((resolve) => {
      execFile(
        BIN,
        ['engine', '--socket', join(agent().dir, 'berthtest-nowhere.sock'), 'ps'],
        (_err, _stdout, stderr) => resolve({ stderr }),
      );
    });
    assert.match(
      noAgent.stderr,
      /cannot reach the agent at .*berthtest-nowhere\.sock .*is berth-agent running\?/,
    );
  });
});

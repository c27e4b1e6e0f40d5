import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AgentUnderTest } from './testing/agent-under-test.ts';

const hostUptime = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
const DAY = 86400;

/** The docker CLI against a real agent: what a container holds of the host, and its own clocks. */
describe('docker CLI: namespaces and descriptors', () => {
  let agent: AgentUnderTest;
  before(async () => {
    agent = await AgentUnderTest.start();
  });
  after(async () => {
    await agent?.stop();
  });
  const docker = (...args: string[]) => agent.docker(args);

  test('run, run -t, exec and exec -t processes hold only 0 1 2 (ls holds 3 itself)', async () => {
    const fds = (out: string) => out.split(/\s+/).filter((s) => s);
    const ONLY_STDIO = ['0', '1', '2', '3'];
    for (const t of [[], ['-t']]) {
      const r = await docker('run', '--rm', ...t, 'busybox', 'ls', '/proc/self/fd');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(fds(r.stdout), ONLY_STDIO, `run ${t.join('')}`);
    }
    assert.equal((await docker('run', '-d', '--name', 'berthtest-fds', 'busybox', 'sleep', '300')).code, 0);
    for (const t of [[], ['-t']]) {
      const r = await docker('exec', ...t, 'berthtest-fds', 'ls', '/proc/self/fd');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(fds(r.stdout), ONLY_STDIO, `exec ${t.join('')}`);
    }
    await docker('rm', '-f', 'berthtest-fds');
  });

  test('--annotation io.berth.timens.*-offset: a time namespace with those clock offsets', async () => {
    const before = hostUptime();
    const r = await docker(
      'run',
      '--rm',
      '--annotation',
      `io.berth.timens.boottime-offset=${DAY}`,
      '--annotation',
      'io.berth.timens.monotonic-offset=3600',
      'busybox',
      'sh',
      '-c',
      'cat /proc/self/timens_offsets; cut -d" " -f1 /proc/uptime',
    );
    const after = hostUptime();
    assert.equal(r.code, 0, r.stderr);
    const [monotonic, boottime, uptime] = r.stdout.trim().split('\n');
    assert.equal(monotonic?.replace(/\s+/g, ' '), 'monotonic 3600 0');
    assert.equal(boottime?.replace(/\s+/g, ' '), `boottime ${DAY} 0`);
    // the container's uptime is the host's, read around it, plus a day
    const inside = Number(uptime) - DAY;
    assert.ok(inside >= before && inside <= after, `${inside} not within [${before}, ${after}]`);

    const plain = await docker('run', '--rm', 'busybox', 'cat', '/proc/self/timens_offsets');
    assert.equal(
      plain.stdout.replace(/[ \t]+/g, ' '),
      'monotonic 0 0\nboottime 0 0\n',
      'none asked: the host’s',
    );
    const execInto = await docker(
      'run',
      '-d',
      '--name',
      'berthtest-timens',
      '--annotation',
      'io.berth.timens.monotonic-offset=60',
      'busybox',
      'sleep',
      '300',
    );
    assert.equal(execInto.code, 0, execInto.stderr);
    const e = await docker('exec', 'berthtest-timens', 'cat', '/proc/self/timens_offsets');
    assert.match(e.stdout, /^monotonic\s+60\s+0$/m, 'exec joins the container’s time namespace');
    await docker('rm', '-f', 'berthtest-timens');
  });

  test('a bad clock offset is refused before anything is made', async () => {
    const r = await docker(
      'run',
      '--rm',
      '--annotation',
      'io.berth.timens.monotonic-offset=soon',
      'busybox',
      'true',
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /invalid annotation io\.berth\.timens\.monotonic-offset=soon/);
    assert.equal((await docker('ps', '-aq')).stdout, '');
  });
});

import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { suiteAgent } from './testing/agent-under-test.ts';

const hostUptime = () => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
const DAY = 86400;

/** The docker CLI against a real agent: what a container holds of the host, and its own clocks. */
describe('docker CLI: namespaces and descriptors', () => {
  const { docker } = suiteAgent();

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

/** An agent started as `dockerd --userns-remap` would be: container root is host uid 200000. */
describe('docker CLI: --userns-remap', () => {
  const HOST_ROOT = 200000;
  const { agent, docker } = suiteAgent({ args: ['--userns-remap', `${HOST_ROOT}:65536`] });
  before(() => {
    // the test's own directory above the data root: the mapped root must be able to walk through
    // it to the rootfs and to the bind-mount sources below it
    chmodSync(agent().dir, 0o711);
  });

  test('root inside is a subordinate id outside; the image’s files are root’s inside', async () => {
    const shared = join(agent().dir, 'shared');
    mkdirSync(shared);
    chownSync(shared, HOST_ROOT, HOST_ROOT);
    const r = await docker(
      ...['run', '--rm', '-v', `${shared}:/shared`, 'busybox', 'sh', '-c'],
      'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; stat -c "%u:%g" /bin/busybox /; touch /shared/made-inside',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/).join(' ')),
      ['0', '0', `0 ${HOST_ROOT} 65536`, `0 ${HOST_ROOT} 65536`, '0:0', '0:0'],
    );
    const made = statSync(join(shared, 'made-inside'));
    assert.deepEqual([made.uid, made.gid], [HOST_ROOT, HOST_ROOT], 'seen from the host: the mapped root');
  });

  test('a remapped container has its bridge address, and docker exec enters it as its root', async () => {
    const run = await docker('run', '-d', '--name', 'berthtest-uexec', 'busybox', 'sleep', '60');
    assert.equal(run.code, 0, run.stderr);
    const r = await docker('exec', 'berthtest-uexec', 'sh', '-c', 'id -u; ip -4 -o addr show eth0 | wc -l');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split(/\s+/), ['0', '1']);
    await docker('rm', '-f', 'berthtest-uexec');
  });

  test('volumes: written as the mapped root; a copy-up from the image keeps root’s files root’s', async () => {
    const r = await docker(
      ...['run', '--rm', '-v', 'berthtest-uvol:/data', '-v', 'berthtest-uetc:/etc', 'busybox', 'sh', '-c'],
      'touch /data/f && stat -c "%u" /data/f /etc/passwd',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['0', '0']);
    const mountpoint = (
      await docker('volume', 'inspect', '-f', '{{.Mountpoint}}', 'berthtest-uvol')
    ).stdout.trim();
    assert.equal(statSync(join(mountpoint, 'f')).uid, HOST_ROOT);
    await docker('volume', 'rm', 'berthtest-uvol', 'berthtest-uetc');
  });

  test('root inside cannot do what host root can', async () => {
    const secret = join(agent().dir, 'secret');
    mkdirSync(secret, { mode: 0o755 });
    writeFileSync(join(secret, 'key'), 'host only\n', { mode: 0o600 });
    const r = await docker(
      ...['run', '--rm', '-v', `${secret}:/secret`, 'busybox', 'sh', '-c'],
      'cat /secret/key; echo "cat=$?"; touch /secret/new; echo "touch=$?"; mknod /tmp/mem c 1 1; echo "mknod=$?"',
    );
    assert.deepEqual(r.stdout.trim().split('\n'), ['cat=1', 'touch=1', 'mknod=1'], `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /Permission denied/);
    assert.deepEqual(readdirSync(secret), ['key']);
  });

  test('docker info and inspect show it', async () => {
    const info = await docker('info', '-f', '{{json .SecurityOptions}}');
    assert.ok(JSON.parse(info.stdout).includes('name=userns'), info.stdout);
    await docker('create', '--name', 'berthtest-uhost', '--userns=host', 'busybox', 'true');
    assert.equal(
      (await docker('inspect', '-f', '{{.HostConfig.UsernsMode}}', 'berthtest-uhost')).stdout,
      'host\n',
    );
    await docker('rm', 'berthtest-uhost');
  });

  test('--userns=host opts out; privileged needs it, as with dockerd', async () => {
    const host = await docker('run', '--rm', '--userns=host', 'busybox', 'cat', '/proc/self/uid_map');
    assert.equal(host.stdout.trim().split(/\s+/).join(' '), '0 0 4294967295');
    const privileged = await docker('run', '--rm', '--privileged', 'busybox', 'true');
    assert.notEqual(privileged.code, 0);
    assert.match(privileged.stderr, /privileged mode is incompatible with user namespaces/);
  });
});

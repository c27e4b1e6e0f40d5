import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { DOCKER_CLI, suiteAgent } from './testing/agent-under-test.ts';

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** docker version, info, system df, events, container and system prune against a real Berth agent. */
describe('docker CLI: system', () => {
  const { agent, docker } = suiteAgent();

  test('version negotiates 1.47 and names the server', async () => {
    const version = await docker('version');
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /API version:\s+1\.47 \(downgraded from 1\.\d+\)/);
    assert.match(
      version.stdout,
      /Server: Berth\n Engine:\n {2}Version:\s+\S+\n {2}API version:\s+1\.47 \(minimum version 1\.24\)/,
    );
    assert.match(version.stdout, /Experimental:\s+false/);
  });

  test('info: counts, storage, cgroups, runtime, host', async () => {
    const info = await docker('info');
    assert.equal(info.code, 0, info.stderr);
    assert.equal(info.stderr, '', 'no warnings, no errors');
    for (const line of [
      /^ Containers: 0\n {2}Running: 0\n {2}Paused: 0\n {2}Stopped: 0\n Images: 1$/m,
      /^ Storage Driver: overlay2\n {2}Backing Filesystem: \w+/m,
      /^ Logging Driver: json-file$/m,
      /^ {2}Network: bridge host null$/m,
      /^ Cgroup Driver: cgroupfs\n Cgroup Version: [12]$/m,
      /^ Swarm: inactive$/m,
      /^ Runtimes: berth\n Default Runtime: berth$/m,
      /^ Security Options:\n {2}seccomp\n {3}Profile: builtin$/m,
      /^ OSType: linux$/m,
      /^ Live Restore Enabled: true$/m,
    ]) {
      assert.match(info.stdout, line);
    }
    const fields = await docker(
      'info',
      '-f',
      '{{.Driver}} {{.CgroupDriver}} {{.DefaultRuntime}} {{.Swarm.LocalNodeState}} {{.DockerRootDir}} {{.NCPU}}',
    );
    assert.match(fields.stdout, /^overlay2 cgroupfs berth inactive \/tmp\/berthtest-\S+\/root \d+\n$/);
    const run = await docker('run', '-d', '--name', 'berthtest-counted', 'busybox', 'sleep', '60');
    assert.equal(run.code, 0, run.stderr);
    await docker('create', '--name', 'berthtest-created', 'busybox');
    assert.equal(
      (await docker('info', '-f', '{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}}')).stdout,
      '2 1 1\n',
    );
    await docker('rm', '-f', 'berthtest-counted', 'berthtest-created');
  });

  test('system df: images, containers, volumes, build cache', async () => {
    await docker('volume', 'create', 'berthtest-df');
    await docker(
      'run',
      '--name',
      'berthtest-df-user',
      '-v',
      'berthtest-df:/data',
      'busybox',
      'sh',
      '-c',
      'echo hi > /data/f',
    );
    const df = await docker('system', 'df');
    assert.equal(df.code, 0, df.stderr);
    assert.match(
      df.stdout,
      /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+1\s+1\s+[\d.]+MB\s+\S+ \(\d+%\)\nContainers\s+1\s+0\s+\S+\s+\S+\nLocal Volumes\s+1\s+1\s+3B\s+0B \(0%\)\nBuild Cache\s+0\s+0\s+0B\s+0B\n$/,
    );
    const verbose = await docker('system', 'df', '-v');
    assert.match(
      verbose.stdout,
      /Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\nbusybox\s+latest\s+[0-9a-f]{12}\s+.+\s+1\n/,
    );
    assert.match(verbose.stdout, /berthtest-df\s+1\s+3B\n/);
    await docker('rm', 'berthtest-df-user');
    await docker('volume', 'rm', 'berthtest-df');
  });

  test('events: since/until replay image and container events, with filters', async () => {
    const since = seconds(Date.now());
    await docker('tag', 'busybox', 'berthtest/ev:1');
    await docker('run', '--name', 'berthtest-done', 'busybox', 'true');
    await docker('rmi', 'berthtest/ev:1');
    const until = seconds(Date.now() + 200);
    const events = (...filters: string[]) =>
      docker(
        'events',
        '--since',
        since,
        '--until',
        until,
        ...filters,
        '--format',
        '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}',
      ).then((r) => {
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.trim().split('\n');
      });
    assert.deepEqual(await events('--filter', 'type=image'), [
      'image tag berthtest/ev:1',
      'image untag berthtest/ev:1',
    ]);
    assert.deepEqual((await events('--filter', 'type=container')).slice(0, 3), [
      'container create berthtest-done',
      'container start berthtest-done',
      'container die berthtest-done',
    ]);
    assert.deepEqual(await events('--filter', 'event=die'), ['container die berthtest-done']);
    assert.deepEqual(await events('--filter', 'image=berthtest/ev'), [
      'image tag berthtest/ev:1',
      'image untag berthtest/ev:1',
    ]);
    assert.deepEqual(await events('--filter', 'container=berthtest-done', '--filter', 'event=start'), [
      'container start berthtest-done',
    ]);
    assert.deepEqual(await events('--filter', 'label=berthtest-none'), ['']);
    // the default format, as `docker events` prints it
    const plain = await docker('events', '--since', since, '--until', until, '--filter', 'event=tag');
    assert.match(
      plain.stdout,
      /^\d{4}-\d\d-\d\dT[\d:.]+Z image tag sha256:[0-9a-f]{64} \(name=berthtest\/ev:1\)\n$/,
    );
    // timeNano is exact: asking from an event's own nanosecond includes that event
    const [stamp] = (
      await docker(
        'events',
        '--since',
        since,
        '--until',
        until,
        '--filter',
        'event=untag',
        '--format',
        '{{.TimeNano}}',
      )
    ).stdout.split('\n');
    const exact = `${stamp!.slice(0, -9)}.${stamp!.slice(-9)}`;
    assert.deepEqual(await events('--filter', 'type=image', '--since', exact), [
      'image untag berthtest/ev:1',
    ]);
    const bad = await docker('events', '--since', '1', '--until', '2', '--filter', 'type=image');
    assert.equal(bad.code, 0, 'an until in the past ends the stream at once');
  });

  test('a client leaving an events stream leaves no listener behind', async () => {
    const listeners = async () => Number((await docker('info', '-f', '{{.NEventsListener}}')).stdout.trim());
    assert.equal(await listeners(), 0);
    const watcher = spawn(DOCKER_CLI, ['events', '--filter', 'type=image', '--format', '{{.Action}}'], {
      env: agent().env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    watcher.stdout.on('data', (d) => {
      seen += d;
    });
    try {
      for (let i = 0; i < 50 && (await listeners()) !== 1; i++) await sleep(50);
      assert.equal(await listeners(), 1);
      await docker('tag', 'busybox', 'berthtest/live:1');
      for (let i = 0; i < 50 && !seen.includes('tag'); i++) await sleep(50);
      assert.equal(seen, 'tag\n', 'live events stream as they happen');
    } finally {
      watcher.kill('SIGKILL');
    }
    for (let i = 0; i < 50 && (await listeners()) !== 0; i++) await sleep(50);
    assert.equal(await listeners(), 0);
    await docker('rmi', 'berthtest/live:1');
  });

  test('container prune and system prune', async () => {
    await docker('run', '--name', 'berthtest-exited', 'busybox', 'true');
    const prune = await docker('container', 'prune', '-f');
    assert.match(prune.stdout, /^Deleted Containers:\n[0-9a-f]{64}\n/);
    assert.equal((await docker('ps', '-aq')).stdout, '');
    await docker('run', '--name', 'berthtest-exited2', 'busybox', 'true');
    const system = await docker('system', 'prune', '-f');
    assert.equal(system.code, 0, system.stderr);
    assert.match(system.stdout, /Deleted Containers:\n[0-9a-f]{64}\n/);
    // -a with until: busybox (built 2024) is older than a day and unused, so it goes
    const old = await docker('system', 'prune', '-a', '-f', '--filter', 'until=24h');
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stdout, /Deleted Images:\nuntagged: busybox:latest\ndeleted: sha256:[0-9a-f]{64}\n/);
    assert.equal((await docker('images', '-q')).stdout, '');
  });
});

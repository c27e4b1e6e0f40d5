import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { busyboxArchive, busyboxRootfs } from '../engine/images/testing/busybox-image.ts';
import { AgentUnderTest } from './testing/agent-under-test.ts';

/** The docker CLI's image, volume and system commands against a real Berth agent. */
describe('docker CLI: images, volumes, system', () => {
  let agent: AgentUnderTest;
  before(async () => {
    agent = await AgentUnderTest.start({ preloadBusybox: false });
    await writeFile(join(agent.dir, 'busybox.tar'), busyboxArchive().archive);
    await writeFile(join(agent.dir, 'rootfs.tar'), busyboxRootfs());
  });
  after(async () => {
    await agent?.stop();
  });
  const docker = (...args: string[]) => agent.docker(args);

  test('load, images, inspect, history, tag, rmi', async () => {
    const load = await docker('load', '-i', join(agent.dir, 'busybox.tar'));
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout, 'Loaded image: busybox:latest\n');
    const images = await docker('images');
    assert.match(
      images.stdout,
      /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\nbusybox\s+latest\s+[0-9a-f]{12}\s+.+\s+[\d.]+MB\n$/,
    );
    assert.equal((await docker('tag', 'busybox', 'berthtest/bb:v1')).code, 0);
    const inspect = await docker('image', 'inspect', '-f', '{{.RepoTags}} {{.Os}}', 'berthtest/bb:v1');
    assert.equal(inspect.stdout, '[berthtest/bb:v1 busybox:latest] linux\n');
    assert.match(
      (await docker('image', 'history', 'busybox')).stdout,
      /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT\n/,
    );
    assert.equal((await docker('rmi', 'berthtest/bb:v1')).stdout, 'Untagged: berthtest/bb:v1\n');
    const missing = await docker('rmi', 'berthtest-nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such image: berthtest-nope/);
  });

  test('save and load round-trip keep the image id; import makes a runnable image', async () => {
    const id = (await docker('image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout;
    const saved = join(agent.dir, 'saved.tar');
    assert.equal((await docker('save', '-o', saved, 'busybox')).code, 0);
    assert.equal((await docker('rmi', 'busybox')).code, 0);
    assert.equal((await docker('load', '-i', saved)).code, 0);
    assert.equal((await docker('image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout, id);
    const imported = await docker(
      'import',
      '-c',
      'CMD ["echo", "imported works"]',
      join(agent.dir, 'rootfs.tar'),
      'berthtest/imported:1',
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal((await docker('run', '--rm', 'berthtest/imported:1')).stdout, 'imported works\n');
    const inUse = await docker(
      'run',
      '-d',
      '--name',
      'berthtest-user',
      'berthtest/imported:1',
      'sleep',
      '60',
    );
    assert.equal(inUse.code, 0);
    const conflict = await docker('rmi', 'berthtest/imported:1');
    assert.equal(conflict.code, 1, 'an image a container uses is not removed');
    await docker('rm', '-f', 'berthtest-user');
  });

  test('volumes: create, ls, inspect, rm, prune; in use is refused', async () => {
    assert.equal(
      (await docker('volume', 'create', '--label', 'team=berthtest', 'berthtest-v')).stdout,
      'berthtest-v\n',
    );
    assert.match(
      (await docker('volume', 'ls', '--filter', 'label=team=berthtest')).stdout,
      /^DRIVER\s+VOLUME NAME\nlocal\s+berthtest-v\n$/,
    );
    const mountpoint = (
      await docker('volume', 'inspect', '-f', '{{.Mountpoint}}', 'berthtest-v')
    ).stdout.trim();
    assert.ok(mountpoint.endsWith('/volumes/berthtest-v/_data'));
    await docker(
      'run',
      '-d',
      '--name',
      'berthtest-vuser',
      '-v',
      'berthtest-v:/data',
      'busybox',
      'sleep',
      '60',
    );
    const busy = await docker('volume', 'rm', 'berthtest-v');
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /in use/);
    await docker('rm', '-f', 'berthtest-vuser');
    assert.equal((await docker('volume', 'rm', 'berthtest-v')).code, 0);
    assert.equal(
      (await docker('volume', 'rm', '-f', 'berthtest-v')).code,
      0,
      'force forgives a missing volume',
    );
    await docker('volume', 'create', 'berthtest-unused');
    assert.match((await docker('volume', 'prune', '-a', '-f')).stdout, /berthtest-unused/);
  });

  test('info, system df, events with since/until, container prune', async () => {
    const info = await docker(
      'info',
      '-f',
      '{{.Driver}} {{.CgroupDriver}} {{.DefaultRuntime}} {{.LiveRestoreEnabled}}',
    );
    assert.equal(info.stdout, 'overlay2 cgroupfs berth true\n');
    const since = String(Date.now() / 1000);
    await docker('run', '--name', 'berthtest-done', 'busybox', 'true');
    const until = String(Date.now() / 1000 + 0.5);
    const events = await docker(
      'events',
      '--since',
      since,
      '--until',
      until,
      '--filter',
      'type=container',
      '--format',
      '{{.Action}}',
    );
    assert.deepEqual(events.stdout.trim().split('\n').slice(0, 3), ['create', 'start', 'die']);
    assert.match(
      (await docker('system', 'df')).stdout,
      /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\nImages\s+\d+/,
    );
    const prune = await docker('container', 'prune', '-f');
    assert.match(prune.stdout, /^Deleted Containers:\n[0-9a-f]{64}\n/);
    assert.equal((await docker('ps', '-aq')).stdout, '');
    await docker('run', '--name', 'berthtest-done2', 'busybox', 'true');
    const system = await docker('system', 'prune', '-f');
    assert.equal(system.code, 0, system.stderr);
    assert.match(system.stdout, /Deleted Containers:\n[0-9a-f]{64}\n/);
  });

  test('pull says clearly that it is not there yet', async () => {
    const pull = await docker('pull', 'berthtest/nothing');
    assert.equal(pull.code, 1);
    assert.match(pull.stderr, /not supported yet/);
  });
  test('commit makes an image of a container’s changes, with --change applied', async () => {
    await docker('run', '--name', 'berthtest-src', 'busybox', 'sh', '-c', 'echo committed > /berthtest-file');
    const commit = await docker(
      'commit',
      '-c',
      'CMD ["cat", "/berthtest-file"]',
      '-m',
      'a berthtest',
      'berthtest-src',
      'berthtest/committed:1',
    );
    assert.equal(commit.code, 0, commit.stderr);
    assert.match(commit.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.equal((await docker('run', '--rm', 'berthtest/committed:1')).stdout, 'committed\n');
    assert.match((await docker('image', 'history', 'berthtest/committed:1')).stdout, /a berthtest/);
    await docker('run', '-d', '--name', 'berthtest-live', 'busybox', 'sh', '-c', 'echo live > /f; sleep 60');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(
      (await docker('commit', 'berthtest-live', 'berthtest/live:1')).code,
      0,
      'a running container is paused for the commit',
    );
    assert.match(
      (await docker('ps', '--filter', 'name=berthtest-live')).stdout,
      /Up /,
      'and runs on after it',
    );
    assert.equal((await docker('run', '--rm', 'berthtest/live:1', 'cat', '/f')).stdout, 'live\n');
    await docker('rm', '-f', 'berthtest-src', 'berthtest-live');
  });
});

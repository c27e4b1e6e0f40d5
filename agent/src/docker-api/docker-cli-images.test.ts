import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { busyboxArchive, busyboxRootfs } from '../engine/images/testing/busybox-image.ts';
import { AgentUnderTest } from './testing/agent-under-test.ts';
import { dockerShell } from './testing/docker-shell.ts';

/** The docker CLI's image commands against a real Berth agent. */
describe('docker CLI: images', () => {
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
    const id = (await docker('image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout.trim();
    assert.equal((await docker('image', 'ls', '-q')).stdout, `${id.slice(7, 19)}\n`);
    assert.equal(
      (await docker('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}')).stdout,
      `busybox:latest ${id.slice(7, 19)}\n`,
    );
    assert.equal((await docker('tag', 'busybox', 'berthtest/bb:v1')).code, 0);
    const inspect = await docker('image', 'inspect', '-f', '{{.RepoTags}} {{.Os}}', 'berthtest/bb:v1');
    assert.equal(inspect.stdout, '[berthtest/bb:v1 busybox:latest] linux\n');
    const raw = JSON.parse((await docker('image', 'inspect', 'busybox')).stdout)[0];
    assert.match(raw.Created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/, 'Go RFC3339Nano, as Docker');
    assert.equal(raw.GraphDriver.Name, 'overlay2');
    assert.match(
      (await docker('image', 'history', 'busybox')).stdout,
      /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT\n[0-9a-f]{12}\s+/,
    );
    assert.equal((await docker('rmi', 'berthtest/bb:v1')).stdout, 'Untagged: berthtest/bb:v1\n');
    const missing = await docker('rmi', 'berthtest-nope');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Error response from daemon: No such image: berthtest-nope:latest\n');
    const badTag = await docker('tag', 'busybox', 'Bad/Name');
    assert.equal(badTag.code, 1);
    assert.equal(
      (await docker('tag', 'berthtest-nope', 'x')).stderr,
      'Error response from daemon: No such image: berthtest-nope:latest\n',
    );
    const noInspect = await docker('image', 'inspect', 'berthtest-nope');
    assert.equal(noInspect.code, 1);
    assert.match(noInspect.stderr, /No such image: berthtest-nope:latest/);
  });

  test('images filters: reference narrows tags, before/since, label, dangling, unknown keys', async () => {
    await docker('tag', 'busybox', 'berthtest/bb:v1');
    const imported = await docker(
      'import',
      '-c',
      'LABEL team=berthtest',
      join(agent.dir, 'rootfs.tar'),
      'berthtest/labelled:1',
    );
    assert.equal(imported.code, 0, imported.stderr);
    const rows = (...args: string[]) =>
      docker('images', '--format', '{{.Repository}}:{{.Tag}}', ...args).then((r) =>
        r.stdout.trim().split('\n').sort(),
      );
    assert.deepEqual(await rows('--filter', 'reference=berthtest/*'), [
      'berthtest/bb:v1',
      'berthtest/labelled:1',
    ]);
    assert.deepEqual(
      await rows('berthtest/bb'),
      ['berthtest/bb:v1'],
      'only the matching tag of busybox’s image',
    );
    assert.deepEqual(await rows('--filter', 'since=busybox'), ['berthtest/labelled:1']);
    assert.deepEqual(await rows('--filter', 'before=berthtest/labelled:1'), [
      'berthtest/bb:v1',
      'busybox:latest',
    ]);
    assert.deepEqual(await rows('--filter', 'label=team=berthtest'), ['berthtest/labelled:1']);
    assert.deepEqual(await rows('--filter', 'label=team=other'), ['']);
    assert.deepEqual(await rows('--filter', 'dangling=true'), ['']);
    const unknown = await docker('images', '--filter', 'berthtest=1');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, "Error response from daemon: invalid filter 'berthtest'\n");
    assert.equal((await docker('images', '--filter', 'before=berthtest-nope')).code, 1);
    // a dangling image appears with <none> and goes with image prune
    const dangling = await docker('import', join(agent.dir, 'rootfs.tar'));
    const danglingId = dangling.stdout.trim().slice(7, 19);
    assert.equal((await docker('images', '-q', '--filter', 'dangling=true')).stdout, `${danglingId}\n`);
    assert.match((await docker('images')).stdout, new RegExp(`<none>\\s+<none>\\s+${danglingId}`));
    const prune = await docker('image', 'prune', '-f');
    assert.match(prune.stdout, new RegExp(`^Deleted Images:\\ndeleted: sha256:${danglingId}`));
    assert.match(prune.stdout, /Total reclaimed space: /);
    // -a with a label filter takes only the labelled, unused image
    const labelled = await docker('image', 'prune', '-a', '-f', '--filter', 'label=team=berthtest');
    assert.match(labelled.stdout, /untagged: berthtest\/labelled:1\ndeleted: sha256:/);
    assert.deepEqual(await rows(), ['berthtest/bb:v1', 'busybox:latest']);
    assert.equal((await docker('image', 'prune', '-f', '--filter', 'berthtest=1')).code, 1);
    await docker('rmi', 'berthtest/bb:v1');
  });

  test('save and load round-trip keep the image id; import makes a runnable image', async () => {
    const id = (await docker('image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout;
    const saved = join(agent.dir, 'saved.tar');
    assert.equal((await docker('save', '-o', saved, 'busybox')).code, 0);
    assert.equal((await docker('rmi', 'busybox')).code, 0);
    assert.equal((await docker('load', '-i', saved)).code, 0);
    assert.equal((await docker('image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout, id);
    // docker save | docker load, through pipes as a user types it
    const piped = await dockerShell(agent, `"$DOCKER" save busybox | "$DOCKER" load`);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, 'Loaded image: busybox:latest\n');
    assert.equal((await docker('image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout, id);
    const missing = await docker('save', '-o', join(agent.dir, 'none.tar'), 'berthtest-nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such image: berthtest-nope:latest/);
    const imported = await docker(
      'import',
      '-c',
      'CMD ["echo", "imported works"]',
      '-m',
      'berthtest import',
      join(agent.dir, 'rootfs.tar'),
      'berthtest/imported:1',
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^sha256:[0-9a-f]{64}\n$/);
    assert.match((await docker('image', 'history', 'berthtest/imported:1')).stdout, /berthtest import/);
    const fromStdin = await dockerShell(
      agent,
      `"$DOCKER" import - berthtest/stdin:1 < "${join(agent.dir, 'rootfs.tar')}"`,
    );
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
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
    assert.match(conflict.stderr, /image is being used by running container/);
    await docker('rm', '-f', 'berthtest-user');
    await docker('rmi', 'berthtest/stdin:1');
  });

  test('a broken tarball is refused with a message, and the agent serves on', async () => {
    await writeFile(join(agent.dir, 'garbage.tar'), randomBytes(3 * 1024 * 1024));
    const load = await docker('load', '-i', join(agent.dir, 'garbage.tar'));
    assert.equal(load.code, 1);
    assert.match(load.stderr, /^Error response from daemon: /);
    const imported = await docker('import', join(agent.dir, 'garbage.tar'));
    assert.equal(imported.code, 1);
    assert.match(imported.stderr, /^Error response from daemon: /);
    // gzip the unpacker stops reading early: the upload is still drained and the error still arrives
    await writeFile(join(agent.dir, 'garbage.tar.gz'), gzipSync(randomBytes(8 * 1024 * 1024), { level: 1 }));
    const gz = await docker('load', '-i', join(agent.dir, 'garbage.tar.gz'));
    assert.equal(gz.code, 1);
    assert.match(gz.stderr, /^Error response from daemon: (not a readable image archive|malformed)/);
    assert.equal((await docker('images', '-q')).code, 0);
  });

  test('push of a missing image says so clearly', async () => {
    const push = await docker('push', 'berthtest-nope');
    assert.equal(push.code, 1);
    assert.match(push.stderr, /An image does not exist locally with the tag: berthtest-nope:latest\n/);
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

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AgentUnderTest } from './testing/agent-under-test.ts';

/** `docker cp` both ways, running and stopped containers, and symlinks that point out of the container. */
describe('docker CLI: cp', () => {
  let agent: AgentUnderTest;
  let host: string;
  before(async () => {
    agent = await AgentUnderTest.start();
    host = await mkdtemp(join(tmpdir(), 'berthtest-cp-'));
    await writeFile(join(host, 'in.txt'), 'into the container\n');
    await mkdir(join(host, 'dir'));
    await writeFile(join(host, 'dir', 'a'), 'A\n');
  });
  after(async () => {
    await agent?.stop();
    await rm(host, { recursive: true, force: true });
  });
  const docker = (...args: string[]) => agent.docker(args);

  test('a running container: files and directories out and in', async () => {
    await docker(
      'run',
      '-d',
      '--name',
      'berthtest-cp',
      'busybox',
      'sh',
      '-c',
      'echo inside > /etc/berthtest; sleep 300',
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await docker('cp', 'berthtest-cp:/etc/berthtest', join(host, 'out.txt'))).code, 0);
    assert.equal(await readFile(join(host, 'out.txt'), 'utf8'), 'inside\n');
    assert.equal((await docker('cp', 'berthtest-cp:/etc', join(host, 'etc-out'))).code, 0);
    assert.equal(
      await readFile(join(host, 'etc-out', 'passwd'), 'utf8').then((t) => t.split('\n')[0]),
      'root:x:0:0:root:/root:/bin/sh',
    );
    assert.equal((await docker('cp', join(host, 'in.txt'), 'berthtest-cp:/tmp/')).code, 0);
    assert.equal((await docker('cp', join(host, 'dir'), 'berthtest-cp:/tmp/')).code, 0);
    assert.equal(
      (await docker('exec', 'berthtest-cp', 'cat', '/tmp/in.txt', '/tmp/dir/a')).stdout,
      'into the container\nA\n',
    );
    const missing = await docker('cp', 'berthtest-cp:/berthtest-nope', join(host, 'x'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Could not find the file \/berthtest-nope in container berthtest-cp/);
  });

  test('a created container gets files before it starts', async () => {
    await docker('create', '--name', 'berthtest-cp-new', 'busybox', 'cat', '/tmp/in.txt');
    assert.equal((await docker('cp', join(host, 'in.txt'), 'berthtest-cp-new:/tmp/')).code, 0);
    assert.equal((await docker('start', '-a', 'berthtest-cp-new')).stdout, 'into the container\n');
    assert.equal(
      (await docker('cp', 'berthtest-cp-new:/etc/hostname', join(host, 'hn'))).code,
      0,
      'and from a stopped one',
    );
  });

  test('symlinks pointing at / or /etc stay inside the container, both ways', async () => {
    await docker(
      'run',
      '-d',
      '--name',
      'berthtest-evil',
      'busybox',
      'sh',
      '-c',
      'ln -s / /escape; ln -s /etc /etclink; echo mine > /etc/berthtest-mark; sleep 300',
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      (await docker('cp', 'berthtest-evil:/escape/etc/berthtest-mark', join(host, 'esc'))).code,
      0,
    );
    assert.equal(await readFile(join(host, 'esc'), 'utf8'), 'mine\n', 'the container’s /etc, not the host’s');
    await writeFile(join(host, 'berthtest-evil-file'), 'evil\n');
    assert.equal((await docker('cp', join(host, 'berthtest-evil-file'), 'berthtest-evil:/etclink/')).code, 0);
    assert.equal(
      (await docker('exec', 'berthtest-evil', 'cat', '/etc/berthtest-evil-file')).stdout,
      'evil\n',
    );
    assert.equal(existsSync('/etc/berthtest-evil-file'), false, 'nothing written on the host');
  });
});

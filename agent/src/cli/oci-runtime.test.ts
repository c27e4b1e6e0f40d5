import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { defaultSpec } from '../engine/oci/defaults.ts';
import { readLog, TestBed } from '../engine/tasks/testing.ts';

const run = promisify(execFile);
const bed = new TestBed();
const root = join(bed.root, 'oci-state');
const cli = (...args: string[]) =>
  run(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'oci-runtime.ts'), '--root', root, ...args],
    {
      encoding: 'utf8',
    },
  );

describe('oci-runtime command line', () => {
  after(async () => {
    await cli('delete', '--force', 'berthtest-oci').catch(() => {});
    bed.cleanup();
  });

  test('create, state, start, kill, delete on a bundle, like runc', async () => {
    const bundle = join(bed.root, 'bundle');
    mkdirSync(bundle);
    const spec = defaultSpec({
      args: ['sh', '-c', 'echo started; sleep 100'],
      rootPath: bed.rootfs,
      hostname: 'oci',
    });
    spec.root = { path: bed.rootfs, readonly: true };
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
    await cli('create', '--bundle', bundle, '--pid-file', join(bed.root, 'pid'), 'berthtest-oci');
    const created = JSON.parse((await cli('state', 'berthtest-oci')).stdout);
    assert.equal(created.status, 'created');
    assert.equal(created.bundle, bundle);
    assert.ok(created.pid > 0);
    await cli('start', 'berthtest-oci');
    assert.equal(JSON.parse((await cli('state', 'berthtest-oci')).stdout).status, 'running');
    await cli('kill', 'berthtest-oci', 'KILL');
    for (let i = 0; i < 50; i++) {
      if (JSON.parse((await cli('state', 'berthtest-oci')).stdout).status === 'stopped') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(JSON.parse((await cli('state', 'berthtest-oci')).stdout).status, 'stopped');
    assert.deepEqual(readLog(join(root, 'logs', 'berthtest-oci-json.log')).stdout, ['started\n']);
    await cli('delete', 'berthtest-oci');
    await assert.rejects(cli('state', 'berthtest-oci'), /no task berthtest-oci/);
  });
});

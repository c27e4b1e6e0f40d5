import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { Process, RuntimeSpec } from '../oci/spec.ts';
import { Runtime } from './runtime.ts';
import { readLog, TestBed } from './testing.ts';

// A user namespace: root inside is uid 100000 outside. The layers must belong to that
// uid (the snapshotter's job with userns-remap); here the test chowns its own files.
const bed = new TestBed();
const rt = new Runtime({ tasksDir: bed.tasksDir });
const HOST_ROOT = 100000;

describe('runtime with a user namespace', () => {
  after(async () => {
    for (const t of await rt.list()) await rt.delete(t.id, { force: true }).catch(() => {});
    const left = bed.leftoverMounts();
    bed.cleanup();
    assert.deepEqual(left, []);
  });

  test('root inside is mapped; files it creates belong to the mapped ids; devices are bound, not made', async () => {
    chmodSync(bed.root, 0o755);
    const id = `berthtest-userns-${process.pid}`;
    const o = bed.container(id, [
      'sh',
      '-c',
      'id -u; cat /proc/self/uid_map; echo x > /tmp/f; stat -c %u /tmp/f; echo > /dev/null && echo null-ok',
    ]);
    execFileSync('chown', ['-R', `${HOST_ROOT}:${HOST_ROOT}`, bed.rootfs, o.dir]);
    const spec = RuntimeSpec.parse(o.spec);
    spec.linux.namespaces.push({ type: 'user' });
    spec.linux.uidMappings = [{ containerID: 0, hostID: HOST_ROOT, size: 65536 }];
    spec.linux.gidMappings = [{ containerID: 0, hostID: HOST_ROOT, size: 65536 }];
    await rt.run(id, { ...o, spec });
    assert.deepEqual(await rt.wait(id), { exitCode: 0, signal: 0 });
    const out = readLog(o.logPath).stdout.map((l) => l.trim().replace(/\s+/g, ' '));
    assert.deepEqual(out, ['0', `0 ${HOST_ROOT} 65536`, '0', 'null-ok']);
    // seen from the host, the file in the upper layer belongs to the mapped root
    assert.equal(
      execFileSync('stat', ['-c', '%u', `${o.dir}/upper/tmp/f`], { encoding: 'utf8' }).trim(),
      String(HOST_ROOT),
    );
  });

  test('exec enters the user namespace too', async () => {
    const id = `berthtest-userns-exec-${process.pid}`;
    const o = bed.container(id, ['sleep', '100']);
    execFileSync('chown', ['-R', `${HOST_ROOT}:${HOST_ROOT}`, o.dir]);
    const spec = RuntimeSpec.parse(o.spec);
    spec.linux.namespaces.push({ type: 'user' });
    spec.linux.uidMappings = [{ containerID: 0, hostID: HOST_ROOT, size: 65536 }];
    spec.linux.gidMappings = [{ containerID: 0, hostID: HOST_ROOT, size: 65536 }];
    await rt.run(id, { ...o, spec });
    const p = await rt.exec(id, {
      process: Process.parse({ args: ['sh', '-c', 'id -u; cat /proc/self/uid_map'], env: ['PATH=/bin'] }),
    });
    p.stdin.end();
    let out = '';
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    assert.equal((await p.exited).exitCode, 0);
    assert.deepEqual(
      out.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')),
      ['0', `0 ${HOST_ROOT} 65536`, ''],
    );
    await rt.kill(id, 'SIGKILL');
    await rt.wait(id);
  });
});

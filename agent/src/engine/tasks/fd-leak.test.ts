import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { nativeHelperPath } from '../../native/helper-path.ts';
import { Process } from '../oci/spec.ts';
import { BerthRuntimeHelper } from './berth-runtime-helper.ts';
import { Runtime } from './runtime.ts';
import { readLog, removeTasks, TestBed } from './testing.ts';

// An agent may inherit descriptors without close-on-exec from whatever started it (a shell, a
// supervisor). The helper here is started holding two such descriptors, 7 and 8 (on this very
// wrapper script, so they can be recognised), as it would be by such an agent; none may reach a container's process or stay held by its monitor.
const bed = new TestBed();
const leaky = join(bed.root, 'leaky-berth-runtime');
writeFileSync(leaky, `#!/bin/sh\nexec 7<"$0" 8<"$0"\nexec ${nativeHelperPath()} "$@"\n`, { mode: 0o755 });
const rt = new Runtime({ tasksDir: bed.tasksDir, helper: new BerthRuntimeHelper(leaky) });
const env = ['PATH=/bin'];
// busybox ls opens the directory it lists as fd 3
const ONLY_STDIO = ['0', '1', '2', '3'];
let n = 0;
const nextId = () => `berthtest-fd-${process.pid}-${n++}`;

async function drain(stream: NodeJS.ReadableStream | null): Promise<string> {
  const chunks: Buffer[] = [];
  if (stream) for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

const fds = (text: string) => text.split(/\s+/).filter((s) => s);

describe('no descriptor of the agent reaches a container', () => {
  after(async () => {
    await removeTasks(rt);
    const left = bed.leftoverMounts();
    bed.cleanup();
    assert.deepEqual(left, []);
  });

  for (const terminal of [false, true]) {
    test(`run${terminal ? ' with a TTY' : ''}: the process holds only 0 1 2`, async () => {
      const id = nextId();
      const o = bed.container(id, ['ls', '/proc/self/fd']);
      await rt.run(id, { ...o, spec: { ...o.spec, process: { ...o.spec.process, terminal } } });
      assert.equal((await rt.wait(id)).exitCode, 0);
      assert.deepEqual(fds(readLog(o.logPath).stdout.join('')), ONLY_STDIO);
    });
  }

  test('exec with and without a TTY: only 0 1 2; the monitor holds none of the agent’s', async () => {
    const id = nextId();
    await rt.run(id, bed.container(id, ['sleep', '100']));
    const monitorPid = JSON.parse(readFileSync(join(bed.tasksDir, id, 'state.json'), 'utf8')).monitorPid;
    const held = readdirSync(`/proc/${monitorPid}/fd`).map((fd) =>
      readlinkSync(`/proc/${monitorPid}/fd/${fd}`),
    );
    assert.ok(held.length > 3, 'the monitor’s own descriptors are listed');
    assert.ok(!held.includes(leaky), held.join(' '));
    for (const terminal of [false, true]) {
      const p = await rt.exec(id, {
        process: Process.parse({ args: ['ls', '/proc/self/fd'], terminal, env }),
      });
      p.stdin.end();
      const [out, status] = await Promise.all([drain(p.stdout), p.exited]);
      assert.equal(status.exitCode, 0);
      assert.deepEqual(fds(out), ONLY_STDIO, `terminal: ${terminal}`);
    }
    await rt.kill(id, 'SIGKILL');
    await rt.wait(id);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { openEngine } from '../agent/src/engine/engine.ts';
import { busyboxArchive } from '../agent/src/engine/images/testing/busybox-image.ts';
import { BerthRuntimeHelper } from '../agent/src/engine/tasks/berth-runtime-helper.ts';
const dir = mkdtempSync('/tmp/berthbench-');
const engine = await openEngine({ dataRoot: join(dir, 'root'), cgroupParent: `berthbench-${randomBytes(4).toString('hex')}` });
await engine.images.load(Readable.from([busyboxArchive().archive]));
const c0 = engine.containers;
for (let i = 0; i < 3; i++) {
  if (i === 2) (engine.runtime as any).helper = new BerthRuntimeHelper('/tmp/strace-wrap');
  const c = await c0.create({ image: 'busybox', cmd: ['/bin/true'] });
  const exited = c0.waitForExit(c.id, 'next-exit');
  const s = performance.now();
  await c0.start(c.id);
  console.log('start', performance.now() - s);
  await exited;
  console.log('exited', performance.now() - s);
  await c0.remove(c.id);
}
await engine.cgroups.removeParent().catch(() => {});
rmSync(dirname(engine.layout.tasks), { recursive: true, force: true });
rmSync(dir, { recursive: true, force: true });
process.exit(0);

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { openEngine } from '../agent/src/engine/engine.ts';
import { busyboxArchive } from '../agent/src/engine/images/testing/busybox-image.ts';
const dir = mkdtempSync('/tmp/berthbench-');
const engine = await openEngine({ dataRoot: join(dir, 'root'), cgroupParent: `berthbench-${randomBytes(4).toString('hex')}` });
await engine.images.load(Readable.from([busyboxArchive().archive]));
const t: Record<string, number[]> = {};
const rec = (k: string, ms: number) => (t[k] ??= []).push(ms);
function wrap(obj: any, name: string, label: string) {
  const f = obj[name].bind(obj);
  obj[name] = async (...a: unknown[]) => { const s = performance.now(); try { return await f(...a); } finally { rec(label, performance.now() - s); } };
}
wrap(engine.cgroups, 'create', 'cg.create');
const open = engine.cgroups.open.bind(engine.cgroups);
(engine.cgroups as any).open = async (n: string) => { const cg = await open(n); if (cg) wrap(cg, 'destroy', 'cg.destroy'); return cg; };
wrap(engine.runtime, 'run', 'rt.run');
wrap(engine.runtime, 'delete', 'rt.delete');
wrap(engine.runtime, 'cleanup' in engine.runtime ? 'cleanup' : 'delete', 'rt.cleanup');
const c0 = engine.containers;
for (let i = 0; i < 33; i++) {
  const s0 = performance.now();
  const c = await c0.create({ image: 'busybox', cmd: ['/bin/true'] });
  const s1 = performance.now();
  const exited = c0.waitForExit(c.id, 'next-exit');
  await c0.start(c.id);
  const s2 = performance.now();
  await exited;
  const s3 = performance.now();
  await c0.remove(c.id);
  const s4 = performance.now();
  if (i >= 3) { rec('create', s1 - s0); rec('start', s2 - s1); rec('wait', s3 - s2); rec('remove', s4 - s3); rec('total', s4 - s0); }
}
const med = (a: number[]) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
for (const [k, v] of Object.entries(t)) console.log(k.padEnd(12), med(v).toFixed(2));
await engine.cgroups.removeParent().catch(() => {});
rmSync(dirname(engine.layout.tasks), { recursive: true, force: true });
rmSync(dir, { recursive: true, force: true });
process.exit(0);

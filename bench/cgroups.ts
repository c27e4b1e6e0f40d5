/**
 * Cost of a container's cgroup on this host: create with typical limits,
 * open, stats, destroy. Part of the start path's 30 ms budget.
 *   node --import tsx bench/cgroups.ts [runs]
 */
import { randomBytes } from 'node:crypto';
import { createCgroupManager } from '../agent/src/engine/cgroups/manager.ts';
import { msSince, report } from './stats.ts';

const runs = Number(process.argv[2] ?? 50);
const mgr = await createCgroupManager({ parent: `berthbench-${randomBytes(4).toString('hex')}` });
const times: Record<'create' | 'stats' | 'destroy', number[]> = { create: [], stats: [], destroy: [] };
const ms = msSince;
try {
  for (let i = 0; i < runs; i++) {
    let t = process.hrtime.bigint();
    const cg = await mgr.create(`c${i}`, { memoryBytes: 256 << 20, cpuQuotaUs: 50_000, pidsLimit: 100 });
    times.create.push(ms(t));
    t = process.hrtime.bigint();
    await cg.stats();
    times.stats.push(ms(t));
    t = process.hrtime.bigint();
    await cg.destroy();
    times.destroy.push(ms(t));
  }
} finally {
  await mgr.removeParent();
}
console.log(`cgroups (${mgr.mode}, ${mgr.parentDirs().length} hierarchies), ${runs} runs`);
for (const [k, xs] of Object.entries(times)) {
  report(`  ${k}`, xs);
}

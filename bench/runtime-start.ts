/**
 * Container start cost: create+start+wait+delete of /bin/true from a busybox
 * overlay, through the engine's Runtime (one berth-runtime spawn per
 * container), beside `runc run` / `crun run` of the same rootfs when installed.
 *   node --import tsx bench/runtime-start.ts [runs] [--cgroup]
 * --cgroup also creates and destroys a cgroup per container (cgroups module).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroupManager } from '../agent/src/engine/cgroups/manager.ts';
import { Runtime } from '../agent/src/engine/tasks/runtime.ts';
import { TestBed } from '../agent/src/engine/tasks/testing.ts';
import { msSince, report } from './stats.ts';

// a closed pipe (`| head`) must not end the run before the cleanup below
process.stdout.on('error', () => {});
const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 40);
const withCgroup = process.argv.includes('--cgroup');
const bed = new TestBed();
const rt = new Runtime({ tasksDir: bed.tasksDir });
const ms = msSince;

const mgr = withCgroup ? await createCgroupManager({ parent: `berthbench-${process.pid}` }) : undefined;
try {
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const id = `bench${i}`;
    const o = bed.container(id, ['/bin/true']);
    const t0 = process.hrtime.bigint();
    const cg = mgr ? await mgr.create(id, {}) : undefined;
    await rt.run(id, { ...o, cgroupProcs: cg?.procsFiles() });
    const status = await rt.wait(id);
    await rt.delete(id);
    await cg?.destroy();
    const t = ms(t0);
    rmSync(o.dir, { recursive: true, force: true }); // the snapshotter's part, not timed
    if (status.exitCode !== 0) throw new Error(`exit ${status.exitCode}`);
    if (i >= 3) times.push(t); // the first runs warm the page cache and the JIT
  }
  report(`berth (Runtime.run${withCgroup ? ' + cgroup' : ''})`, times);

  // 50 idle containers started one after another, then their monitors' memory
  const idle = 50;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < idle; i++) await rt.run(`idle${i}`, bed.container(`idle${i}`, ['sleep', '1000']));
  // (the finally below deletes them whatever happens)
  const startAll = ms(t0);
  let pss = 0;
  let stateBytes = 0;
  for (let i = 0; i < idle; i++) {
    const dir = join(bed.tasksDir, `idle${i}`);
    const { monitorPid } = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {
      monitorPid: number;
    };
    pss += Number(/Pss:\s+(\d+) kB/.exec(readFileSync(`/proc/${monitorPid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    for (const f of readdirSync(dir)) stateBytes += statSync(join(dir, f)).size;
  }
  console.log(`${idle} containers started one after another: ${startAll.toFixed(0)} ms`);
  console.log(
    `idle monitor: ${(pss / idle).toFixed(0)} KiB PSS each, plus ${(stateBytes / idle).toFixed(0)} bytes of task files`,
  );
  for (let i = 0; i < idle; i++) await rt.delete(`idle${i}`, { force: true });

  for (const runtime of ['runc', 'crun']) {
    const found = spawnSync('sh', ['-c', `command -v ${runtime}`]).status === 0;
    if (!found) {
      console.log(`${runtime.padEnd(34)} not installed`);
      continue;
    }
    const bundle = join(bed.root, `bundle-${runtime}`);
    mkdirSync(bundle);
    execFileSync(runtime, ['spec'], { cwd: bundle });
    const config = JSON.parse(execFileSync('cat', [join(bundle, 'config.json')], { encoding: 'utf8' }));
    config.root = { path: bed.rootfs, readonly: true };
    config.process.args = ['/bin/true'];
    config.process.terminal = false;
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
    const rtimes: number[] = [];
    let error = '';
    for (let i = 0; i < runs + 3 && !error; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(
        runtime,
        ['--root', join(bed.root, `state-${runtime}`), 'run', '-b', bundle, `berthtest-${i}`],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      const t = ms(t0);
      if (r.status !== 0) error = r.stderr.toString().trim().split('\n').at(-1) ?? `exit ${r.status}`;
      else if (i >= 3) rtimes.push(t);
    }
    if (error) console.log(`${`${runtime} run`.padEnd(34)} failed: ${error}`);
    else report(`${runtime} run (plain rootfs dir)`, rtimes);
  }
} finally {
  for (const t of await rt.list()) await rt.delete(t.id, { force: true }).catch(() => {});
  await mgr?.removeParent();
  bed.cleanup();
}

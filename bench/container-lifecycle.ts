/**
 * Issue 3's targets through the whole engine (records, overlay, cgroup,
 * runtime, logs), not just the runtime:
 *   - create+start+wait+remove of /bin/true from a busybox image (median, p95)
 *   - 50 containers started one after another, then their memory: PSS of
 *     each monitor (from /proc/<pid>/smaps_rollup) plus its state files
 *   node --import tsx bench/container-lifecycle.ts [runs]
 * Beside `runc run` / `crun run` of the same rootfs, when installed.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { openEngine } from '../agent/src/engine/engine.ts';
import { busyboxArchive, busyboxRootfs } from '../agent/src/engine/images/testing/busybox-image.ts';
import { testNetworkOptions } from '../agent/src/engine/network/testing.ts';
import { msSince, report } from './stats.ts';

process.stdout.on('error', () => {});
const runs = Number(process.argv[2] ?? 40);
const dir = mkdtempSync('/tmp/berthbench-');
const engine = await openEngine({
  dataRoot: join(dir, 'root'),
  cgroupParent: `berthbench-${randomBytes(4).toString('hex')}`,
  network: testNetworkOptions(),
});
await engine.images.load(Readable.from([busyboxArchive().archive]));
const { containers } = engine;

function pssKiB(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? 0);
}

function dirBytes(path: string): number {
  let total = 0;
  for (const name of readdirSync(path)) {
    const st = statSync(join(path, name));
    total += st.isDirectory() ? dirBytes(join(path, name)) : st.size;
  }
  return total;
}

try {
  // The target is without networking; the default bridge is measured beside it.
  for (const mode of ['none', 'bridge']) {
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const t0 = process.hrtime.bigint();
      const c = await containers.create({ image: 'busybox', cmd: ['/bin/true'], network: { mode } });
      const exited = containers.waitForExit(c.id, 'next-exit');
      await containers.start(c.id);
      await exited;
      await containers.remove(c.id);
      if (i >= 3) times.push(msSince(t0));
    }
    report(`berth engine: create+start+wait+rm /bin/true --network ${mode}`, times);
  }

  const t0 = process.hrtime.bigint();
  const idle: string[] = [];
  for (let i = 0; i < 50; i++) {
    const c = await containers.create({ image: 'busybox', cmd: ['sleep', '1000'] });
    await containers.start(c.id);
    idle.push(c.id);
  }
  console.log(`berth engine: 50 containers started one after another   ${msSince(t0).toFixed(0)} ms`);
  let pss = 0;
  let files = 0;
  for (const id of idle) {
    const state = JSON.parse(readFileSync(join(engine.layout.tasks, id, 'state.json'), 'utf8'));
    pss += pssKiB(state.monitorPid);
    files +=
      dirBytes(join(engine.layout.tasks, id)) +
      statSync(join(engine.layout.containers, id, 'container.json')).size;
  }
  console.log(
    `berth engine: per idle container   monitor ${(pss / idle.length).toFixed(0)} KiB PSS + state ${(files / idle.length / 1024).toFixed(1)} KiB`,
  );
  for (const id of idle) await containers.remove(id, { force: true });

  for (const peer of ['runc', 'crun']) {
    if (!existsSync(`/usr/bin/${peer}`) && !existsSync(`/usr/sbin/${peer}`)) {
      console.log(`${peer}: not installed (apt-get install -y ${peer})`);
      continue;
    }
    const bundle = join(dir, `${peer}-bundle`);
    spawnSync('mkdir', ['-p', join(bundle, 'rootfs')]);
    spawnSync('tar', ['-xf', '-', '-C', join(bundle, 'rootfs')], {
      input: busyboxRootfs(),
    });
    spawnSync(peer, ['spec'], { cwd: bundle });
    const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    config.process.terminal = false;
    config.process.args = ['/bin/true'];
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
    const peerTimes: number[] = [];
    let failure = '';
    for (let i = 0; i < runs + 3; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(peer, ['run', `berthbench-${i}`], { cwd: bundle, encoding: 'utf8' });
      if (r.status !== 0) {
        failure = (r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.status}`;
        break;
      }
      if (i >= 3) peerTimes.push(msSince(t));
    }
    if (failure) console.log(`${peer} run: refused: ${failure}`);
    else report(`${peer} run /bin/true (same rootfs, no overlay)`, peerTimes);
  }
} finally {
  for (const c of containers.list()) await containers.remove(c.id, { force: true }).catch(() => {});
  await engine.networks.teardown().catch(() => {});
  await engine.cgroups.removeParent().catch(() => {});
  rmSync(dirname(engine.layout.tasks), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);

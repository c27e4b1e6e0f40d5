import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { EngineError } from '../errors.ts';
import { blkioToIoWeight, DEFAULT_CPU_PERIOD_US, sharesToWeight } from './convert.ts';
import type { GroupDriver } from './driver.ts';
import { exists, readFlatKeyed, readNumber, readOptional, readText, waitFor, writeText } from './fs.ts';
import { killFrozen, killListed } from './kill.ts';
import type { CgroupResources, CgroupStats } from './types.ts';
import { checkCpusetSubset } from './validate.ts';

/** What a v2 cgroup's limits need enabled in its parent's cgroup.subtree_control. */
export const V2_CONTROLLERS = ['cpuset', 'cpu', 'io', 'memory', 'pids'] as const;

/**
 * A cgroup on the unified (v2) hierarchy: one directory, every limit in it.
 * On a hybrid host the same class only holds membership and kills.
 */
export class V2Group implements GroupDriver {
  readonly dirs: string[];

  constructor(readonly dir: string) {
    this.dirs = [dir];
  }

  procsFiles(): string[] {
    return [join(this.dir, 'cgroup.procs')];
  }

  async prepare(): Promise<void> {
    // v2 cpusets inherit the parent's effective set; nothing must be written before tasks join.
  }

  private file(name: string): string {
    return join(this.dir, name);
  }

  async apply(next: CgroupResources, current: CgroupResources, live: boolean): Promise<void> {
    const { memoryBytes, memorySwapBytes, memoryReservationBytes } = next;
    if (live && memoryBytes !== undefined) {
      const usage = await readNumber(this.file('memory.current'));
      if (memoryBytes < usage) {
        throw new EngineError(
          'invalid',
          `memory limit ${memoryBytes} bytes is below the current usage of ${usage} bytes`,
        );
      }
    }
    if (memoryBytes !== undefined)
      await writeText(this.file('memory.max'), String(memoryBytes), 'memory limit');
    if (
      memorySwapBytes !== undefined ||
      (memoryBytes !== undefined && current.memorySwapBytes !== undefined)
    ) {
      // Docker's value is memory+swap; v2 limits swap alone.
      const total = memorySwapBytes ?? current.memorySwapBytes ?? -1;
      const memory = memoryBytes ?? current.memoryBytes;
      const swapMax = total === -1 || memory === undefined ? 'max' : String(total - memory);
      const swapFile = this.file('memory.swap.max');
      if (!(await exists(swapFile))) {
        if (swapMax !== 'max')
          throw new EngineError('unavailable', 'cannot limit swap: this kernel has no memory.swap.max');
      } else {
        await writeText(swapFile, swapMax, 'swap limit');
      }
    }
    if (memoryReservationBytes !== undefined) {
      await writeText(this.file('memory.low'), String(memoryReservationBytes), 'memory reservation');
    }
    if (next.cpuQuotaUs !== undefined || next.cpuPeriodUs !== undefined) {
      const quota = next.cpuQuotaUs ?? current.cpuQuotaUs;
      const period = next.cpuPeriodUs ?? current.cpuPeriodUs ?? DEFAULT_CPU_PERIOD_US;
      await writeText(this.file('cpu.max'), `${quota === undefined ? 'max' : quota} ${period}`, 'CPU quota');
    }
    if (next.cpuShares !== undefined) {
      await writeText(this.file('cpu.weight'), String(sharesToWeight(next.cpuShares)), 'CPU shares');
    }
    const parent = dirname(this.dir);
    if (next.cpusetCpus !== undefined) {
      checkCpusetSubset('CPU', next.cpusetCpus, await readText(join(parent, 'cpuset.cpus.effective')));
      await writeText(this.file('cpuset.cpus'), next.cpusetCpus, 'cpuset CPUs');
    }
    if (next.cpusetMems !== undefined) {
      checkCpusetSubset(
        'memory node',
        next.cpusetMems,
        await readText(join(parent, 'cpuset.mems.effective')),
      );
      await writeText(this.file('cpuset.mems'), next.cpusetMems, 'cpuset memory nodes');
    }
    if (next.pidsLimit !== undefined)
      await writeText(this.file('pids.max'), String(next.pidsLimit), 'pids limit');
    if (next.blkioWeight !== undefined) {
      // BFQ keeps blkio's 10..1000 scale; the io controller's own weight is 1..10000.
      if (await exists(this.file('io.bfq.weight'))) {
        await writeText(this.file('io.bfq.weight'), String(next.blkioWeight), 'blkio weight');
      } else {
        await writeText(
          this.file('io.weight'),
          `default ${blkioToIoWeight(next.blkioWeight)}`,
          'blkio weight',
        );
      }
    }
  }

  async limits(): Promise<CgroupResources> {
    const out: CgroupResources = {};
    const max = await readOptional(this.file('memory.max'));
    if (max !== undefined && max.trim() !== 'max') out.memoryBytes = Number(max);
    const swap = await readOptional(this.file('memory.swap.max'));
    if (swap !== undefined && out.memoryBytes !== undefined) {
      out.memorySwapBytes = swap.trim() === 'max' ? -1 : out.memoryBytes + Number(swap);
    }
    const low = await readOptional(this.file('memory.low'));
    if (low !== undefined && Number(low) > 0) out.memoryReservationBytes = Number(low);
    const cpuMax = await readOptional(this.file('cpu.max'));
    if (cpuMax !== undefined) {
      const [quota, period] = cpuMax.trim().split(/\s+/);
      out.cpuPeriodUs = Number(period);
      if (quota !== 'max') out.cpuQuotaUs = Number(quota);
    }
    const cpus = await readOptional(this.file('cpuset.cpus'));
    if (cpus !== undefined && cpus.trim() !== '') out.cpusetCpus = cpus.trim();
    const mems = await readOptional(this.file('cpuset.mems'));
    if (mems !== undefined && mems.trim() !== '') out.cpusetMems = mems.trim();
    const pids = await readOptional(this.file('pids.max'));
    if (pids !== undefined && pids.trim() !== 'max') out.pidsLimit = Number(pids);
    return out;
  }

  async freeze(): Promise<void> {
    await writeText(this.file('cgroup.freeze'), '1', 'freeze');
    const ok = await waitFor(
      async () => (await readFlatKeyed(this.file('cgroup.events'))).get('frozen') === 1,
      5000,
    );
    if (!ok) {
      await writeText(this.file('cgroup.freeze'), '0', 'thaw');
      throw new EngineError('internal', `cgroup ${this.dir} did not freeze within 5 s`);
    }
  }

  async thaw(): Promise<void> {
    await writeText(this.file('cgroup.freeze'), '0', 'thaw');
  }

  async stats(): Promise<CgroupStats> {
    const cpu = (await readOptional(this.file('cpu.stat'))) ?? '';
    const c = new Map<string, number>();
    for (const line of cpu.split('\n')) {
      const [k, v] = line.split(' ');
      if (k && v) c.set(k, Number(v));
    }
    const memStat = await readOptional(this.file('memory.stat'));
    const memFile = memStat === undefined ? undefined : /^file (\d+)$/m.exec(memStat)?.[1];
    const current = await readOptional(this.file('memory.current'));
    const peak = await readOptional(this.file('memory.peak'));
    const max = await readOptional(this.file('memory.max'));
    const pidsCurrent = await readOptional(this.file('pids.current'));
    const pidsMax = await readOptional(this.file('pids.max'));
    const io = parseIoStat((await readOptional(this.file('io.stat'))) ?? '');
    return {
      cpu: {
        usageNs: (c.get('usage_usec') ?? 0) * 1000,
        userNs: (c.get('user_usec') ?? 0) * 1000,
        systemNs: (c.get('system_usec') ?? 0) * 1000,
        periods: c.get('nr_periods') ?? 0,
        throttledPeriods: c.get('nr_throttled') ?? 0,
        throttledNs: (c.get('throttled_usec') ?? 0) * 1000,
      },
      memory: {
        usageBytes: Number(current ?? 0),
        limitBytes: max === undefined || max.trim() === 'max' ? totalmem() : Number(max),
        cacheBytes: Number(memFile ?? 0),
        maxUsageBytes: Number(peak ?? 0),
        oomKills: await this.oomKills(),
      },
      pids: {
        current: Number(pidsCurrent ?? 0),
        limit: pidsMax === undefined || pidsMax.trim() === 'max' ? 0 : Number(pidsMax),
      },
      blkio: io,
    };
  }

  async oomKills(): Promise<number> {
    const events = await readOptional(this.file('memory.events'));
    if (events === undefined) return 0;
    const m = /^oom_kill (\d+)$/m.exec(events);
    return m?.[1] === undefined ? 0 : Number(m[1]);
  }

  /** Starts a kill through cgroup.kill where the kernel has it (5.14+); false otherwise. */
  async signalKill(): Promise<boolean> {
    if (!(await exists(this.file('cgroup.kill')))) return false;
    await writeText(this.file('cgroup.kill'), '1', 'kill');
    return true;
  }

  /** cgroup.kill (5.14+) kills atomically, forks included; older kernels get freeze + SIGKILL. */
  async kill(): Promise<void> {
    if (await this.signalKill()) await killListed(this.procsFiles());
    else await killFrozen(this);
  }
}

/** `8:0 rbytes=1 wbytes=2 rios=3 wios=4 ...` lines summed over devices. */
export function parseIoStat(text: string): CgroupStats['blkio'] {
  const out = { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 };
  for (const m of text.matchAll(/\b(rbytes|wbytes|rios|wios)=(\d+)/g)) {
    const v = Number(m[2]);
    if (m[1] === 'rbytes') out.readBytes += v;
    else if (m[1] === 'wbytes') out.writeBytes += v;
    else if (m[1] === 'rios') out.readOps += v;
    else out.writeOps += v;
  }
  return out;
}

/** Enables the controllers this hierarchy offers (of those Berth uses) for the children of `dir`. */
export async function delegateControllers(dir: string): Promise<void> {
  const available = (await readText(join(dir, 'cgroup.controllers'))).trim().split(/\s+/);
  const enabled = new Set((await readText(join(dir, 'cgroup.subtree_control'))).trim().split(/\s+/));
  const wanted = V2_CONTROLLERS.filter((c) => available.includes(c) && !enabled.has(c));
  if (wanted.length === 0) return;
  try {
    await writeText(join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '), 'controllers');
  } catch (err) {
    const procs = (await readOptional(join(dir, 'cgroup.procs')))?.trim() ?? '';
    if (procs !== '') {
      throw new EngineError(
        'unavailable',
        `cgroup v2: ${dir} holds processes, so it cannot hand controllers to child cgroups ` +
          '(the "no internal processes" rule). Run the agent in a leaf of a delegated cgroup ' +
          "or place Berth's cgroups under the root (nestUnder 'root' or 'auto').",
        { cause: err },
      );
    }
    throw err;
  }
}

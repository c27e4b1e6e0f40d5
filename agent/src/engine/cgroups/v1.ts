import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { EngineError } from '../errors.ts';
import type { GroupDriver } from './driver.ts';
import {
  exists,
  readFlatKeyed,
  readNumber,
  readOptional,
  readText,
  V1_UNLIMITED,
  waitFor,
  writeEach,
  writeText,
} from './fs.ts';
import { killFrozen } from './kill.ts';
import type { CgroupResources, CgroupStats } from './types.ts';
import { checkCpusetSubset } from './validate.ts';

/** Docker's default device allow-list (moby's oci.DefaultLinuxSpec). */
export const DEFAULT_DEVICE_RULES = [
  'c *:* m',
  'b *:* m',
  'c 1:3 rwm',
  'c 1:5 rwm',
  'c 1:7 rwm',
  'c 1:8 rwm',
  'c 1:9 rwm',
  'c 5:0 rwm',
  'c 5:1 rwm',
  'c 5:2 rwm',
  'c 136:* rwm',
];

/** cpuacct.stat counts in USER_HZ, which is 100 on every Linux ABI Berth runs on. */
const USER_HZ = 100;

/**
 * A cgroup on v1 hierarchies: one directory per mounted hierarchy, limits
 * written per controller.
 */
export class V1Group implements GroupDriver {
  /** controller name → this cgroup's directory in the hierarchy that has it */
  private readonly byController: Map<string, string>;

  constructor(
    readonly dirs: string[],
    byController: Map<string, string>,
  ) {
    this.byController = byController;
  }

  procsFiles(): string[] {
    return this.dirs.map((d) => join(d, 'cgroup.procs'));
  }

  private dir(controller: string): string | undefined {
    return this.byController.get(controller);
  }

  private need(controller: string, what: string): string {
    const d = this.dir(controller);
    if (d === undefined)
      throw new EngineError(
        'unavailable',
        `cannot set ${what}: the ${controller} cgroup controller is not mounted`,
      );
    return d;
  }

  /** A v1 cpuset refuses tasks until cpus and mems hold values, and a new one starts empty. */
  async prepare(): Promise<void> {
    const d = this.dir('cpuset');
    if (d !== undefined) await inheritCpuset(d);
  }

  async apply(next: CgroupResources, current: CgroupResources, live: boolean): Promise<void> {
    if (!live) await this.applyDevices(next.devices);
    await this.applyMemory(next, current, live);
    await this.applyCpu(next);
    if (next.cpusetCpus !== undefined || next.cpusetMems !== undefined) {
      const d = this.need('cpuset', 'cpuset');
      const parent = dirname(d);
      if (next.cpusetCpus !== undefined) {
        checkCpusetSubset('CPU', next.cpusetCpus, await readText(join(parent, 'cpuset.effective_cpus')));
        await writeText(join(d, 'cpuset.cpus'), next.cpusetCpus, 'cpuset CPUs');
      }
      if (next.cpusetMems !== undefined) {
        checkCpusetSubset(
          'memory node',
          next.cpusetMems,
          await readText(join(parent, 'cpuset.effective_mems')),
        );
        await writeText(join(d, 'cpuset.mems'), next.cpusetMems, 'cpuset memory nodes');
      }
    }
    if (next.pidsLimit !== undefined) {
      await writeText(
        join(this.need('pids', 'pids limit'), 'pids.max'),
        String(next.pidsLimit),
        'pids limit',
      );
    }
    if (next.blkioWeight !== undefined) {
      const d = this.need('blkio', 'blkio weight');
      // CFQ's blkio.weight went away with the legacy block layer; BFQ's takes the same range.
      const file = (await exists(join(d, 'blkio.weight'))) ? 'blkio.weight' : 'blkio.bfq.weight';
      await writeText(join(d, file), String(next.blkioWeight), 'blkio weight');
    }
  }

  /**
   * A new v1 cgroup inherits "a *:* rwm" from the root; with CAP_MKNOD (in
   * Docker's default set) that would let a container open the host's disks.
   */
  private async applyDevices(devices: CgroupResources['devices']): Promise<void> {
    const d = this.dir('devices');
    if (d === undefined || devices?.allowAll) return;
    await writeText(join(d, 'devices.deny'), 'a', 'device rule');
    await writeEach(
      join(d, 'devices.allow'),
      [...DEFAULT_DEVICE_RULES, ...(devices?.rules ?? [])],
      'device rule',
    );
  }

  private async applyMemory(next: CgroupResources, current: CgroupResources, live: boolean): Promise<void> {
    const { memoryBytes, memorySwapBytes, memoryReservationBytes } = next;
    if (memoryBytes === undefined && memorySwapBytes === undefined && memoryReservationBytes === undefined)
      return;
    const d = this.need('memory', 'memory limit');
    const memFile = join(d, 'memory.limit_in_bytes');
    const swapFile = join(d, 'memory.memsw.limit_in_bytes');
    const hasSwapFile = await exists(swapFile);
    if (memorySwapBytes !== undefined && memorySwapBytes !== -1 && !hasSwapFile) {
      throw new EngineError(
        'unavailable',
        'cannot limit swap: this kernel has no swap accounting (memory.memsw.*)',
      );
    }
    if (live && memoryBytes !== undefined) {
      const usage = await readNumber(join(d, 'memory.usage_in_bytes'));
      if (memoryBytes < usage) {
        throw new EngineError(
          'invalid',
          `memory limit ${memoryBytes} bytes is below the current usage of ${usage} bytes`,
        );
      }
    }
    const swapValue = memorySwapBytes === undefined ? undefined : String(memorySwapBytes);
    // The kernel keeps memsw >= memory at every instant, so the order of the two writes matters.
    const currentSwap = current.memorySwapBytes ?? -1;
    const swapFirst = memoryBytes !== undefined && currentSwap !== -1 && memoryBytes > currentSwap;
    if (swapFirst && swapValue !== undefined && hasSwapFile)
      await writeText(swapFile, swapValue, 'memory+swap limit');
    if (memoryBytes !== undefined) await writeText(memFile, String(memoryBytes), 'memory limit');
    if (!swapFirst && swapValue !== undefined && hasSwapFile)
      await writeText(swapFile, swapValue, 'memory+swap limit');
    if (memoryReservationBytes !== undefined) {
      await writeText(
        join(d, 'memory.soft_limit_in_bytes'),
        String(memoryReservationBytes),
        'memory reservation',
      );
    }
  }

  private async applyCpu(next: CgroupResources): Promise<void> {
    const { cpuPeriodUs, cpuQuotaUs, cpuShares } = next;
    if (cpuPeriodUs === undefined && cpuQuotaUs === undefined && cpuShares === undefined) return;
    const d = this.need('cpu', 'CPU limit');
    if (cpuPeriodUs !== undefined)
      await writeText(join(d, 'cpu.cfs_period_us'), String(cpuPeriodUs), 'CPU period');
    if (cpuQuotaUs !== undefined)
      await writeText(join(d, 'cpu.cfs_quota_us'), String(cpuQuotaUs), 'CPU quota');
    if (cpuShares !== undefined) await writeText(join(d, 'cpu.shares'), String(cpuShares), 'CPU shares');
  }

  async limits(): Promise<CgroupResources> {
    const out: CgroupResources = {};
    const mem = this.dir('memory');
    if (mem !== undefined) {
      const limit = await readNumber(join(mem, 'memory.limit_in_bytes'));
      if (limit < V1_UNLIMITED) out.memoryBytes = limit;
      const memsw = await readOptional(join(mem, 'memory.memsw.limit_in_bytes'));
      if (memsw !== undefined) out.memorySwapBytes = Number(memsw) < V1_UNLIMITED ? Number(memsw) : -1;
      const soft = await readNumber(join(mem, 'memory.soft_limit_in_bytes'));
      if (soft < V1_UNLIMITED) out.memoryReservationBytes = soft;
    }
    const cpu = this.dir('cpu');
    if (cpu !== undefined) {
      out.cpuPeriodUs = await readNumber(join(cpu, 'cpu.cfs_period_us'));
      const quota = await readNumber(join(cpu, 'cpu.cfs_quota_us'));
      if (quota > 0) out.cpuQuotaUs = quota;
      out.cpuShares = await readNumber(join(cpu, 'cpu.shares'));
    }
    const cpuset = this.dir('cpuset');
    if (cpuset !== undefined) {
      out.cpusetCpus = (await readText(join(cpuset, 'cpuset.cpus'))).trim();
      out.cpusetMems = (await readText(join(cpuset, 'cpuset.mems'))).trim();
    }
    const pids = this.dir('pids');
    if (pids !== undefined) {
      const max = await readNumber(join(pids, 'pids.max'));
      if (Number.isFinite(max)) out.pidsLimit = max;
    }
    const blkio = this.dir('blkio');
    if (blkio !== undefined) {
      const w =
        (await readOptional(join(blkio, 'blkio.weight'))) ??
        (await readOptional(join(blkio, 'blkio.bfq.weight')));
      // blkio.bfq.weight reads "default 100"
      const n = w === undefined ? Number.NaN : Number(w.trim().split(/\s+/).pop());
      if (Number.isFinite(n) && n >= 10) out.blkioWeight = n;
    }
    return out;
  }

  async freeze(): Promise<void> {
    const state = join(this.need('freezer', 'pause'), 'freezer.state');
    await writeText(state, 'FROZEN', 'freezer state');
    // FREEZING lasts until every task has stopped; report success only once they have.
    const ok = await waitFor(async () => (await readText(state)).trim() === 'FROZEN', 5000);
    if (!ok) {
      await writeText(state, 'THAWED', 'freezer state');
      throw new EngineError('internal', `cgroup ${dirname(state)} did not freeze within 5 s`);
    }
  }

  async thaw(): Promise<void> {
    const state = join(this.need('freezer', 'unpause'), 'freezer.state');
    await writeText(state, 'THAWED', 'freezer state');
  }

  async stats(): Promise<CgroupStats> {
    const s: CgroupStats = {
      cpu: { usageNs: 0, userNs: 0, systemNs: 0, periods: 0, throttledPeriods: 0, throttledNs: 0 },
      memory: { usageBytes: 0, limitBytes: totalmem(), cacheBytes: 0, maxUsageBytes: 0, oomKills: 0 },
      pids: { current: 0, limit: 0 },
      blkio: { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 },
    };
    const acct = this.dir('cpuacct');
    if (acct !== undefined) {
      s.cpu.usageNs = await readNumber(join(acct, 'cpuacct.usage'));
      const user = await readOptional(join(acct, 'cpuacct.usage_user'));
      const sys = await readOptional(join(acct, 'cpuacct.usage_sys'));
      if (user !== undefined && sys !== undefined) {
        s.cpu.userNs = Number(user);
        s.cpu.systemNs = Number(sys);
      } else {
        const st = await readFlatKeyed(join(acct, 'cpuacct.stat'));
        s.cpu.userNs = ((st.get('user') ?? 0) * 1e9) / USER_HZ;
        s.cpu.systemNs = ((st.get('system') ?? 0) * 1e9) / USER_HZ;
      }
    }
    const cpu = this.dir('cpu');
    if (cpu !== undefined) {
      const st = await readFlatKeyed(join(cpu, 'cpu.stat'));
      s.cpu.periods = st.get('nr_periods') ?? 0;
      s.cpu.throttledPeriods = st.get('nr_throttled') ?? 0;
      s.cpu.throttledNs = st.get('throttled_time') ?? 0;
    }
    const mem = this.dir('memory');
    if (mem !== undefined) {
      s.memory.usageBytes = await readNumber(join(mem, 'memory.usage_in_bytes'));
      s.memory.maxUsageBytes = await readNumber(join(mem, 'memory.max_usage_in_bytes'));
      const limit = await readNumber(join(mem, 'memory.limit_in_bytes'));
      if (limit < V1_UNLIMITED) s.memory.limitBytes = limit;
      const st = await readFlatKeyed(join(mem, 'memory.stat'));
      s.memory.cacheBytes = st.get('total_cache') ?? st.get('cache') ?? 0;
      s.memory.oomKills = await this.oomKills();
    }
    const pids = this.dir('pids');
    if (pids !== undefined) {
      s.pids.current = await readNumber(join(pids, 'pids.current'));
      const max = await readNumber(join(pids, 'pids.max'));
      s.pids.limit = Number.isFinite(max) ? max : 0;
    }
    const blkio = this.dir('blkio');
    if (blkio !== undefined) {
      const bytes = await readOptional(join(blkio, 'blkio.throttle.io_service_bytes_recursive'));
      const ops = await readOptional(join(blkio, 'blkio.throttle.io_serviced_recursive'));
      const b = sumBlkio(bytes ?? '');
      const o = sumBlkio(ops ?? '');
      s.blkio = { readBytes: b.read, writeBytes: b.write, readOps: o.read, writeOps: o.write };
    }
    return s;
  }

  async oomKills(): Promise<number> {
    const mem = this.dir('memory');
    if (mem === undefined) return 0;
    return (await readFlatKeyed(join(mem, 'memory.oom_control'))).get('oom_kill') ?? 0;
  }

  /**
   * Without cgroup.kill a fork bomb can outrun a kill loop, so freeze first:
   * frozen tasks cannot fork, and the SIGKILLs land on thaw.
   */
  async kill(): Promise<void> {
    await killFrozen(this);
  }
}

/** `8:0 Read 4096` lines summed over devices. */
export function sumBlkio(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    const [, op, value] = line.trim().split(/\s+/);
    if (op === 'Read') read += Number(value);
    else if (op === 'Write') write += Number(value);
  }
  return { read, write };
}

/** Copies cpus and mems from the parent when they are empty. */
export async function inheritCpuset(dir: string): Promise<void> {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    const path = join(dir, file);
    if ((await readText(path)).trim() !== '') continue;
    const parentValue = (await readText(join(dirname(dir), file))).trim();
    await writeText(path, parentValue, file);
  }
}

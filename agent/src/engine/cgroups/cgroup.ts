import type { GroupDriver } from './driver.ts';
import { readPids, removeTree } from './fs.ts';
import type { Cgroup, CgroupResources, CgroupStats } from './types.ts';
import type { V2Group } from './v2.ts';
import { checkResources } from './validate.ts';

/**
 * A container's cgroup across every hierarchy of the host: `limits` owns the
 * limits and stats (v1 hierarchies, or the v2 one), `members` only hold the
 * process (the cgroup2 mount of a hybrid host), so tools that read either
 * hierarchy see the container where it is.
 */
export class HostCgroup implements Cgroup {
  constructor(
    readonly name: string,
    private readonly limitsDriver: GroupDriver,
    private readonly members: V2Group[],
  ) {}

  /** every directory of this cgroup, limit owner first */
  dirs(): string[] {
    return [...this.limitsDriver.dirs, ...this.members.flatMap((m) => m.dirs)];
  }

  procsFiles(): string[] {
    return [...this.limitsDriver.procsFiles(), ...this.members.flatMap((m) => m.procsFiles())];
  }

  /** Writes limits on a cgroup that has no task yet; used by create() only. */
  async initialize(resources: CgroupResources): Promise<void> {
    await this.limitsDriver.prepare();
    // a new cgroup holds the kernel defaults, so there is nothing to read first
    await this.limitsDriver.apply(resources, {}, false);
  }

  async update(resources: CgroupResources): Promise<void> {
    const current = await this.limitsDriver.limits();
    checkResources(resources, current);
    await this.limitsDriver.apply(resources, current, true);
  }

  /** the limits as the kernel holds them (what inspect and tests read back) */
  limits(): Promise<CgroupResources> {
    return this.limitsDriver.limits();
  }

  freeze(): Promise<void> {
    return this.limitsDriver.freeze();
  }

  thaw(): Promise<void> {
    return this.limitsDriver.thaw();
  }

  stats(): Promise<CgroupStats> {
    return this.limitsDriver.stats();
  }

  async pids(): Promise<number[]> {
    const lists = await Promise.all(this.procsFiles().map((f) => readPids(f)));
    return [...new Set(lists.flat())].sort((a, b) => a - b);
  }

  oomKills(): Promise<number> {
    return this.limitsDriver.oomKills();
  }

  async destroy(): Promise<void> {
    // A hybrid host's cgroup2 side has cgroup.kill, which catches forks the v1 loop could miss;
    // tasks frozen by the v1 freezer only die once the v1 kill thaws them, so wait after it.
    if ((await this.pids()).length > 0) {
      for (const m of this.members) await m.signalKill();
      await this.limitsDriver.kill();
      for (const m of this.members) await m.kill();
    }
    await Promise.all(this.dirs().map((dir) => removeTree(dir)));
  }
}

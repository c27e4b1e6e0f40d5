import type { CgroupResources, CgroupStats } from './types.ts';

/**
 * One cgroup within one cgroup family (all v1 hierarchies, or the v2 one).
 * The public Cgroup handle combines one driver that owns limits and stats
 * with any that only hold membership (the cgroup2 mount of a hybrid host).
 */
export interface GroupDriver {
  /** every directory this cgroup has in the family */
  readonly dirs: string[];
  procsFiles(): string[];
  /** sets up controller files that must hold values before any task may join (v1 cpuset) */
  prepare(): Promise<void>;
  /** writes the limits that are present; absent fields keep their value */
  apply(next: CgroupResources, current: CgroupResources, live: boolean): Promise<void>;
  /** the limits as the kernel holds them now */
  limits(): Promise<CgroupResources>;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  stats(): Promise<CgroupStats>;
  oomKills(): Promise<number>;
  /** kills every process and waits for them to leave; the directories stay */
  kill(): Promise<void>;
}

import { z } from 'zod';

/**
 * Resource limits of one container, in the units the Docker API uses. Absent
 * means unlimited / kernel default. The container config reuses this schema.
 */
export const CgroupResources = z.object({
  memoryBytes: z.number().int().positive().optional(),
  /** memory + swap; -1 means unlimited swap */
  memorySwapBytes: z.number().int().min(-1).optional(),
  memoryReservationBytes: z.number().int().positive().optional(),
  cpuPeriodUs: z.number().int().min(1000).max(1_000_000).optional(),
  cpuQuotaUs: z.number().int().min(1000).optional(),
  /** v1 cpu.shares scale (2..262144); converted to cpu.weight on v2 */
  cpuShares: z.number().int().min(2).max(262_144).optional(),
  cpusetCpus: z
    .string()
    .regex(/^[0-9,-]+$/)
    .optional(),
  cpusetMems: z
    .string()
    .regex(/^[0-9,-]+$/)
    .optional(),
  pidsLimit: z.number().int().positive().optional(),
  /** 10..1000, as Docker's --blkio-weight */
  blkioWeight: z.number().int().min(10).max(1000).optional(),
  /**
   * Device access, set once at create. Absent: Docker's default allow-list
   * (null, zero, full, random, urandom, tty, ptmx, pts; mknod of any). 'all'
   * for privileged containers. Extra `--device` rules as `c 10:200 rwm`.
   * Enforced through the v1 devices controller; on v2 the kernel needs a BPF
   * program that the runtime attaches, so this field is not applied there.
   */
  devices: z
    .object({
      allowAll: z.boolean().optional(),
      rules: z.array(z.string().regex(/^[abc] (\*|\d+):(\*|\d+) [rwm]{1,3}$/)).optional(),
    })
    .optional(),
});
export type CgroupResources = z.infer<typeof CgroupResources>;

export interface CgroupStats {
  cpu: {
    usageNs: number;
    userNs: number;
    systemNs: number;
    periods: number;
    throttledPeriods: number;
    throttledNs: number;
  };
  memory: {
    usageBytes: number;
    limitBytes: number;
    cacheBytes: number;
    maxUsageBytes: number;
    oomKills: number;
  };
  pids: { current: number; limit: number };
  blkio: { readBytes: number; writeBytes: number; readOps: number; writeOps: number };
}

/** One container's cgroup, across every hierarchy the host has. */
export interface Cgroup {
  readonly name: string;
  /**
   * The cgroup.procs files (one per hierarchy) a process writes its pid to in
   * order to join. The native helper writes to them before clone(), so the
   * container's first process starts inside the cgroup.
   */
  procsFiles(): string[];
  update(resources: CgroupResources): Promise<void>;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  stats(): Promise<CgroupStats>;
  /** pids of every process in the cgroup, as seen from the host */
  pids(): Promise<number[]>;
  /** how many times the kernel OOM-killed a process in this cgroup */
  oomKills(): Promise<number>;
  /** kills what is left, then removes the cgroup from every hierarchy */
  destroy(): Promise<void>;
}

export interface CgroupManager {
  /** 'v1', 'v2' or 'hybrid', as detected from /proc/self/mountinfo */
  readonly mode: 'v1' | 'v2' | 'hybrid';
  /** creates (or fails with 'conflict' if it exists) and applies limits; nothing left behind on failure */
  create(name: string, resources: CgroupResources): Promise<Cgroup>;
  /** a handle to an existing cgroup (re-adoption after an agent restart); undefined if gone */
  open(name: string): Promise<Cgroup | undefined>;
  list(): Promise<string[]>;
}

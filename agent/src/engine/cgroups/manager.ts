import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { HostCgroup } from './cgroup.ts';
import { exists, mkdirExclusive, removeTree } from './fs.ts';
import { type CgroupHost, detectHost, type Hierarchy } from './mounts.ts';
import type { CgroupManager, CgroupResources } from './types.ts';
import { inheritCpuset, V1Group } from './v1.ts';
import { delegateControllers, V2Group } from './v2.ts';
import { checkResources } from './validate.ts';

export const CgroupManagerOptions = z.object({
  /**
   * Directory (one or more path segments) that holds every container cgroup.
   * Tests use their own `berthtest-<random>` so they never touch the agent's.
   */
  parent: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*(\/[a-zA-Z0-9][a-zA-Z0-9_.-]*)*$/)
    .default('berth'),
  /**
   * 'self': below the agent's own cgroup in each hierarchy, so containers stay
   * inside whatever budget the host gave the agent (a systemd slice, a test
   * host's cgroup, a sandbox's memory cgroup) and a second agent on the same
   * machine has its own tree. 'root': at the top of each hierarchy, as
   * Docker's cgroupfs driver does. 'auto' (default): 'self', except on a pure
   * v2 host where the agent's cgroup is not the top: v2 forbids a cgroup that
   * holds processes (the agent) from handing controllers to children, so
   * there it is 'root'.
   */
  nestUnder: z.enum(['auto', 'self', 'root']).default('auto'),
});
export type CgroupManagerOptions = z.input<typeof CgroupManagerOptions>;

const ContainerName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/);

export interface HostCgroupManager extends CgroupManager {
  readonly host: CgroupHost;
  create(name: string, resources: CgroupResources): Promise<HostCgroup>;
  open(name: string): Promise<HostCgroup | undefined>;
  /** the parent directory in every hierarchy */
  parentDirs(): string[];
  /** destroys every cgroup under the parent, then the parent itself (tests, uninstall) */
  removeParent(): Promise<void>;
}

export async function createCgroupManager(
  options: CgroupManagerOptions = {},
  host?: CgroupHost,
): Promise<HostCgroupManager> {
  const opts = CgroupManagerOptions.parse(options);
  const h = host ?? (await detectHost());
  if (h.v1.length === 0 && h.v2 === undefined) {
    throw new EngineError(
      'unavailable',
      'no cgroup hierarchy is mounted (looked for cgroup and cgroup2 in /proc/self/mountinfo)',
    );
  }
  return new Manager(h, opts.parent, opts.nestUnder);
}

class Manager implements HostCgroupManager {
  readonly mode: CgroupHost['mode'];
  private parentReady: Promise<void> | undefined;

  constructor(
    readonly host: CgroupHost,
    private readonly parent: string,
    private readonly nestUnder: 'auto' | 'self' | 'root',
  ) {
    this.mode = host.mode;
  }

  /** the directory Berth's parent goes under in this hierarchy */
  private base(h: Hierarchy): string {
    if (this.nestUnder === 'root') return h.mountPoint;
    if (this.nestUnder === 'self' || h.version === 1 || this.host.mode !== 'v2') return h.selfDir;
    return h.mountPoint;
  }

  private parentDir(h: Hierarchy): string {
    return join(this.base(h), this.parent);
  }

  parentDirs(): string[] {
    return [...this.host.v1, ...(this.host.v2 ? [this.host.v2] : [])].map((h) => this.parentDir(h));
  }

  private handle(name: string): HostCgroup {
    const v2 = this.host.v2;
    if (this.host.mode === 'v2') {
      if (!v2) throw new EngineError('unavailable', 'no cgroup2 mount');
      return new HostCgroup(name, new V2Group(join(this.parentDir(v2), name)), []);
    }
    const dirs: string[] = [];
    const byController = new Map<string, string>();
    for (const h of this.host.v1) {
      const dir = join(this.parentDir(h), name);
      dirs.push(dir);
      for (const c of h.controllers) byController.set(c, dir);
    }
    const members = v2 ? [new V2Group(join(this.parentDir(v2), name))] : [];
    return new HostCgroup(name, new V1Group(dirs, byController), members);
  }

  /** mkdir -p of the parent in every hierarchy, made ready for children to hold tasks. */
  private ensureParent(): Promise<void> {
    this.parentReady ??= (async () => {
      for (const h of this.host.v1) {
        const top = this.base(h);
        const dir = this.parentDir(h);
        await mkdir(dir, { recursive: true });
        if (h.controllers.includes('cpuset')) {
          // every level from the agent's cgroup down needs cpus/mems before any child can take tasks
          const chain: string[] = [];
          for (let d = dir; d !== top && d.length > top.length; d = dirname(d)) chain.unshift(d);
          for (const d of chain) await inheritCpuset(d);
        }
      }
      const v2 = this.host.v2;
      if (v2 && this.host.mode === 'v2') {
        const top = this.base(v2);
        const dir = this.parentDir(v2);
        await mkdir(dir, { recursive: true });
        const chain: string[] = [];
        for (let d = dirname(dir); d.length >= top.length; d = dirname(d)) {
          chain.unshift(d);
          if (d === top) break;
        }
        for (const d of [...chain, dir]) await delegateControllers(d);
      } else if (v2) {
        await mkdir(this.parentDir(v2), { recursive: true });
      }
    })();
    // a failed attempt (say, a controller not yet mounted) may be retried by the next create
    this.parentReady.catch(() => {
      this.parentReady = undefined;
    });
    return this.parentReady;
  }

  async create(name: string, resources: CgroupResources): Promise<HostCgroup> {
    if (!ContainerName.safeParse(name).success) {
      throw new EngineError(
        'invalid',
        `cgroup name ${JSON.stringify(name)} must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`,
      );
    }
    checkResources(resources);
    this.warmAttach();
    await this.ensureParent();
    const cg = this.handle(name);
    const made: string[] = [];
    try {
      const results = await Promise.allSettled(
        cg.dirs().map(async (dir) => {
          await mkdirExclusive(dir);
          made.push(dir);
        }),
      );
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      await cg.initialize(resources);
      return cg;
    } catch (err) {
      // only what this call made: a 'conflict' must not remove someone else's cgroup
      for (const dir of made.reverse()) await removeTree(dir).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Moving a process between cgroups takes the kernel's global cgroup_threadgroup_rwsem for
   * writing, and the first writer after a quiet spell waits a whole RCU grace period (8–16 ms
   * measured here; none while another writer came within one). The container's init joins its
   * cgroup a few milliseconds from now: this no-op move of the agent into the cgroup it is
   * already in, on a libuv thread, starts that wait now, overlapped with the rest of the start.
   * Its result does not matter (the init's own join reports any real failure).
   */
  private warmAttach(): void {
    const h = this.host.v2 ?? this.host.v1[0];
    if (h) writeFile(join(h.selfDir, 'cgroup.procs'), String(process.pid)).catch(() => {});
  }

  async open(name: string): Promise<HostCgroup | undefined> {
    if (!ContainerName.safeParse(name).success) return undefined;
    const cg = this.handle(name);
    const first = cg.dirs()[0];
    return first !== undefined && (await exists(first)) ? cg : undefined;
  }

  async list(): Promise<string[]> {
    const first = this.parentDirs()[0];
    if (first === undefined) return [];
    try {
      const entries = await readdir(first, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async removeParent(): Promise<void> {
    const names = new Set<string>();
    for (const dir of this.parentDirs()) {
      try {
        for (const e of await readdir(dir, { withFileTypes: true })) if (e.isDirectory()) names.add(e.name);
      } catch {
        // this hierarchy has no parent yet
      }
    }
    for (const name of names) await this.handle(name).destroy();
    for (const dir of this.parentDirs()) await removeTree(dir);
    this.parentReady = undefined;
  }
}

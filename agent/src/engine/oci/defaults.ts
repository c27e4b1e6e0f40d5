import { DOCKER_DEFAULT_CAPABILITIES } from './capabilities.ts';
import { defaultSeccompProfile } from './seccomp-profile.ts';
import type { Mount, RuntimeSpecInput } from './spec.ts';

/** Docker's default mounts (moby oci/defaults.go), /dev's device nodes being the runtime's job. */
export function defaultMounts(opts: { shmSizeBytes?: number } = {}): Mount[] {
  const shm = opts.shmSizeBytes ?? 64 * 1024 * 1024;
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['ro', 'nosuid', 'noexec', 'nodev'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shm}`],
    },
  ];
}

/** Docker's masked paths (moby oci/defaults.go). */
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Docker's read-only paths. */
export const DEFAULT_READONLY_PATHS = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

export interface DefaultSpecOptions {
  args: string[];
  rootPath: string;
  env?: string[];
  cwd?: string;
  hostname?: string;
  terminal?: boolean;
  user?: { uid: number; gid: number; additionalGids?: number[] };
  /** Docker's default seccomp profile (default true; false = unconfined) */
  seccomp?: boolean;
}

/**
 * A complete spec with Docker's defaults: the 14 capabilities, the default
 * mounts, masked and read-only paths, and new namespaces of every kind Docker
 * creates. The containers layer starts from this and applies the user's wishes.
 */
export function defaultSpec(o: DefaultSpecOptions): RuntimeSpecInput {
  const caps = [...DOCKER_DEFAULT_CAPABILITIES];
  return {
    process: {
      terminal: o.terminal ?? false,
      user: o.user ?? { uid: 0, gid: 0 },
      args: o.args,
      env: o.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      cwd: o.cwd ?? '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      noNewPrivileges: false,
    },
    root: { path: o.rootPath, readonly: false },
    hostname: o.hostname,
    mounts: defaultMounts(),
    linux: {
      namespaces: [
        { type: 'pid' },
        { type: 'network' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'mount' },
        { type: 'cgroup' },
      ],
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
      seccomp: o.seccomp === false ? undefined : defaultSeccompProfile(caps),
    },
  };
}

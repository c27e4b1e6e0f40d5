import { EngineError } from '../errors.ts';
import { capabilityMask } from '../oci/capabilities.ts';
import type { Mount, RuntimeSpec } from '../oci/spec.ts';

/**
 * The plan handed to berth-runtime: ops, each a name and a fixed number of
 * string arguments (agent/native/README.md lists them). Everything is
 * resolved here; the C side parses nothing else and decides nothing.
 */
export type PlanOp = readonly [string, ...string[]];

/** A cgroup hierarchy of the host, for the container's /sys/fs/cgroup (from hostCgroupMounts()). */
export interface CgroupMountSource {
  /** 'cgroup' (v1) or 'cgroup2' */
  fstype: 'cgroup' | 'cgroup2';
  /** directory name under /sys/fs/cgroup: 'cpu,cpuacct', 'memory', 'unified'; '' for a v2-only host */
  dir: string;
  /** mount data for v1: the controllers ('cpu,cpuacct', 'none,name=systemd') */
  data: string;
}

export interface OverlayMount {
  target: string;
  options: string[];
  cwd?: string;
  /** lower layers as idmapped mounts through the spec's uid/gid maps (a user namespace's rootfs) */
  idmapped?: boolean;
}

export interface PlanExtras {
  id: string;
  /** the task's directory: state.json lands here */
  taskDir: string;
  /** the monitor's attach socket (at most 107 bytes) */
  socketPath: string;
  log?: { path: string; maxSizeBytes?: number; maxFiles?: number };
  /** the overlay rootfs to mount first, in the host mount namespace (the snapshotter's MountSpec) */
  overlay?: OverlayMount;
  /** cgroup.procs files the init joins before running anything */
  cgroupProcs?: string[];
  /** the host's hierarchies; absent: a cgroup2-only host */
  cgroupMounts?: CgroupMountSource[];
  /** compiled seccomp filter: struct sock_filter[] in host byte order */
  seccompBpf?: Uint8Array;
  /** keep the container's stdin open for attach */
  stdin?: boolean;
  /** execve at once (run) instead of waiting for start (create/start) */
  startNow?: boolean;
}

// mount(2) flags (linux/mount.h)
const MS = {
  RDONLY: 1,
  NOSUID: 2,
  NODEV: 4,
  NOEXEC: 8,
  SYNCHRONOUS: 16,
  REMOUNT: 32,
  MANDLOCK: 64,
  DIRSYNC: 128,
  NOATIME: 1024,
  NODIRATIME: 2048,
  BIND: 4096,
  REC: 16384,
  UNBINDABLE: 1 << 17,
  PRIVATE: 1 << 18,
  SLAVE: 1 << 19,
  SHARED: 1 << 20,
  RELATIME: 1 << 21,
  STRICTATIME: 1 << 24,
} as const;

/** option → [flags to set, flags to clear] */
const MOUNT_OPTIONS: Record<string, [number, number]> = {
  ro: [MS.RDONLY, 0],
  rw: [0, MS.RDONLY],
  nosuid: [MS.NOSUID, 0],
  suid: [0, MS.NOSUID],
  nodev: [MS.NODEV, 0],
  dev: [0, MS.NODEV],
  noexec: [MS.NOEXEC, 0],
  exec: [0, MS.NOEXEC],
  sync: [MS.SYNCHRONOUS, 0],
  async: [0, MS.SYNCHRONOUS],
  remount: [MS.REMOUNT, 0],
  mand: [MS.MANDLOCK, 0],
  nomand: [0, MS.MANDLOCK],
  dirsync: [MS.DIRSYNC, 0],
  noatime: [MS.NOATIME, 0],
  atime: [0, MS.NOATIME],
  nodiratime: [MS.NODIRATIME, 0],
  diratime: [0, MS.NODIRATIME],
  bind: [MS.BIND, 0],
  rbind: [MS.BIND | MS.REC, 0],
  relatime: [MS.RELATIME, 0],
  norelatime: [0, MS.RELATIME],
  strictatime: [MS.STRICTATIME, 0],
  nostrictatime: [0, MS.STRICTATIME],
  private: [MS.PRIVATE, 0],
  rprivate: [MS.PRIVATE | MS.REC, 0],
  shared: [MS.SHARED, 0],
  rshared: [MS.SHARED | MS.REC, 0],
  slave: [MS.SLAVE, 0],
  rslave: [MS.SLAVE | MS.REC, 0],
  unbindable: [MS.UNBINDABLE, 0],
  runbindable: [MS.UNBINDABLE | MS.REC, 0],
};

/** mount options → flags number and the data string the filesystem gets */
export function mountFlags(options: readonly string[]): { flags: number; data: string } {
  let flags = 0;
  const data: string[] = [];
  for (const opt of options) {
    const known = MOUNT_OPTIONS[opt];
    if (known) flags = (flags | known[0]) & ~known[1];
    else data.push(opt);
  }
  return { flags, data: data.join(',') };
}

const RLIMITS: Record<string, number> = {
  RLIMIT_CPU: 0,
  RLIMIT_FSIZE: 1,
  RLIMIT_DATA: 2,
  RLIMIT_STACK: 3,
  RLIMIT_CORE: 4,
  RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8,
  RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14,
  RLIMIT_RTTIME: 15,
};

/** OCI writes infinity as 2^64-1, which a JS number cannot hold exactly */
const rlimitValue = (n: number): string => (n >= 2 ** 62 ? 'inf' : String(n));

/** the standard device nodes of Docker's /dev (major, minor) */
const DEVICES: [string, number, number][] = [
  ['/dev/null', 1, 3],
  ['/dev/zero', 1, 5],
  ['/dev/full', 1, 7],
  ['/dev/random', 1, 8],
  ['/dev/urandom', 1, 9],
  ['/dev/tty', 5, 0],
];

const DEV_LINKS: [string, string][] = [
  ['pts/ptmx', '/dev/ptmx'],
  ['/proc/self/fd', '/dev/fd'],
  ['/proc/self/fd/0', '/dev/stdin'],
  ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'],
  ['/proc/kcore', '/dev/core'],
];

function mountOps(m: Mount, userns: boolean, cgroups: CgroupMountSource[] | undefined): PlanOp[] {
  const { flags: parsed, data } = mountFlags(m.options);
  // OCI's type "bind" without a bind option still means a (recursive) bind mount
  const flags = m.type === 'bind' && !(parsed & MS.BIND) ? parsed | MS.BIND | MS.REC : parsed;
  const type = m.type === 'bind' ? '' : (m.type ?? '');
  const source = m.source ?? type;
  if (m.type !== 'cgroup') return [['mount', source, m.destination, type, String(flags), data]];
  if (!cgroups || cgroups.every((c) => c.fstype === 'cgroup2' && c.dir === '')) {
    return [['mount', 'cgroup2', m.destination, 'cgroup2', String(flags), '']];
  }
  // v1 and hybrid: a tmpfs holding one mount per hierarchy, made read-only once filled (runc's way)
  const ops: PlanOp[] = [['mount', 'tmpfs', m.destination, 'tmpfs', String(flags & ~MS.RDONLY), 'mode=755']];
  for (const c of cgroups) {
    ops.push([
      'mount',
      c.fstype,
      `${m.destination}/${c.dir}`,
      c.fstype,
      String(flags),
      c.fstype === 'cgroup' ? c.data : '',
    ]);
  }
  if (flags & MS.RDONLY && !userns) {
    ops.push([
      'mount',
      '',
      m.destination,
      '',
      String(MS.REMOUNT | MS.RDONLY | (flags & ~MS.RDONLY)),
      'mode=755',
    ]);
  }
  return ops;
}

function deviceOps(userns: boolean): PlanOp[] {
  const ops: PlanOp[] = DEVICES.map(
    ([path, major, minor]): PlanOp =>
      // a user namespace may not mknod: bind the host's nodes instead
      userns
        ? ['mount', path, path, '', String(MS.BIND), '']
        : ['mknod', path, 'c', String(major), String(minor), '438', '0', '0'],
  );
  for (const [target, link] of DEV_LINKS) ops.push(['symlink', target, link]);
  return ops;
}

const hex = (mask: bigint): string => mask.toString(16);

/** the process part of a plan, shared by a container's init and exec'd processes */
export function processOps(proc: RuntimeSpec['process'], seccompBpf?: Uint8Array): PlanOp[] {
  const ops: PlanOp[] = [];
  for (const arg of proc.args) ops.push(['arg', arg]);
  for (const env of proc.env) ops.push(['env', env]);
  ops.push(['cwd', proc.cwd]);
  ops.push(['user', String(proc.user.uid), String(proc.user.gid)]);
  for (const gid of proc.user.additionalGids ?? []) ops.push(['group', String(gid)]);
  const caps = proc.capabilities;
  if (caps) {
    ops.push([
      'caps',
      hex(capabilityMask(caps.bounding)),
      hex(capabilityMask(caps.effective)),
      hex(capabilityMask(caps.permitted)),
      hex(capabilityMask(caps.inheritable)),
      // the kernel only raises an ambient cap that is permitted and inheritable; runc warns and goes on, so do we
      hex(capabilityMask(caps.ambient) & capabilityMask(caps.inheritable) & capabilityMask(caps.permitted)),
    ]);
  }
  for (const r of proc.rlimits) {
    const res = RLIMITS[r.type];
    if (res === undefined) throw new EngineError('invalid', `unknown rlimit ${r.type}`);
    ops.push(['rlimit', String(res), rlimitValue(r.soft), rlimitValue(r.hard)]);
  }
  if (proc.noNewPrivileges) ops.push(['no-new-privs']);
  if (seccompBpf) {
    if (seccompBpf.length === 0 || seccompBpf.length % 8 !== 0) {
      throw new EngineError('invalid', 'seccomp program must be whole 8-byte BPF instructions');
    }
    ops.push(['seccomp', Buffer.from(seccompBpf).toString('hex')]);
  }
  if (proc.terminal) {
    ops.push(['terminal']);
    if (proc.consoleSize)
      ops.push(['winsize', String(proc.consoleSize.height), String(proc.consoleSize.width)]);
  }
  return ops;
}

/** A resolved spec → the ops `berth-runtime run` executes. Pure. */
export function specToPlan(spec: RuntimeSpec, x: PlanExtras): PlanOp[] {
  if (Buffer.byteLength(x.socketPath) > 107) {
    throw new EngineError('invalid', `socket path too long for a unix socket: ${x.socketPath}`);
  }
  const linux = spec.linux;
  const userns = linux.namespaces.some((n) => n.type === 'user');
  if (
    userns &&
    !linux.namespaces.some((n) => n.type === 'user' && n.path) &&
    linux.uidMappings.length === 0
  ) {
    throw new EngineError('invalid', 'a new user namespace needs uidMappings and gidMappings');
  }
  const ops: PlanOp[] = [
    ['version', '1'],
    ['id', x.id],
    ['task-dir', x.taskDir],
    ['socket', x.socketPath],
  ];
  if (x.log) ops.push(['log', x.log.path, String(x.log.maxSizeBytes ?? 0), String(x.log.maxFiles ?? 1)]);
  if (x.overlay) ops.push(['overlay', x.overlay.cwd ?? '', x.overlay.options.join(','), x.overlay.target]);
  if (x.overlay?.idmapped) {
    if (linux.uidMappings.length === 0 || linux.gidMappings.length === 0)
      throw new EngineError('invalid', 'idmapped layers need uidMappings and gidMappings');
    ops.push(['overlay-idmap']);
  }
  for (const file of x.cgroupProcs ?? []) ops.push(['cgroup-procs', file]);
  for (const ns of linux.namespaces) ops.push(['namespace', ns.type, ns.path ?? '']);
  for (const m of linux.uidMappings)
    ops.push(['uid-map', String(m.containerID), String(m.hostID), String(m.size)]);
  for (const m of linux.gidMappings)
    ops.push(['gid-map', String(m.containerID), String(m.hostID), String(m.size)]);
  if (linux.timeOffsets && !linux.namespaces.some((n) => n.type === 'time' && !n.path))
    throw new EngineError('invalid', 'timeOffsets need a new time namespace');
  for (const [clock, o] of Object.entries(linux.timeOffsets ?? {}))
    ops.push(['time-offset', clock, String(o.secs), String(o.nanosecs)]);
  ops.push(['rootfs', spec.root.path, spec.root.readonly ? '1' : '0']);
  let devTmpfs = false;
  for (const m of spec.mounts) {
    ops.push(...mountOps(m, userns, x.cgroupMounts));
    if (m.destination === '/dev' && m.type === 'tmpfs') devTmpfs = true;
  }
  if (devTmpfs) ops.push(...deviceOps(userns));
  for (const path of linux.maskedPaths) ops.push(['mask', path]);
  for (const path of linux.readonlyPaths) ops.push(['readonly', path]);
  for (const [key, value] of Object.entries(linux.sysctl)) ops.push(['sysctl', key, value]);
  if (spec.hostname !== undefined) ops.push(['hostname', spec.hostname]);
  ops.push(...processOps(spec.process, x.seccompBpf));
  if (x.stdin) ops.push(['stdin']);
  if (x.startNow) ops.push(['start-now']);
  return ops;
}

/** "<length>\n" then every string NUL-terminated: the wire form the helper reads */
export function encodePlan(ops: readonly PlanOp[]): Buffer {
  const parts: string[] = [];
  for (const op of ops) {
    for (const s of op) {
      if (s.includes('\0'))
        throw new EngineError('invalid', `plan string contains NUL: ${JSON.stringify(s)}`);
      parts.push(s, '\0');
    }
  }
  const body = Buffer.from(parts.join(''));
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}

import { z } from 'zod';

/**
 * The subset of the OCI runtime spec (config.json) Berth uses. Field names
 * follow the spec so a runc bundle's config.json parses as is; fields Berth
 * ignores are allowed and dropped (resources belong to the cgroups module).
 */

const AbsolutePath = z.string().startsWith('/', 'must be an absolute path');
const NoNul = z.string().refine((s) => !s.includes('\0'), 'must not contain NUL');

export const CAPABILITY = /^CAP_[A-Z_]+$/;
const CapList = z.array(z.string().regex(CAPABILITY)).default([]);

export const Rlimit = z.object({
  type: z.string().regex(/^RLIMIT_[A-Z]+$/),
  soft: z.number().int().min(0),
  hard: z.number().int().min(0),
});
export type Rlimit = z.infer<typeof Rlimit>;

export const Process = z.object({
  terminal: z.boolean().default(false),
  consoleSize: z.object({ height: z.number().int().min(0), width: z.number().int().min(0) }).optional(),
  user: z
    .object({
      uid: z.number().int().min(0),
      gid: z.number().int().min(0),
      additionalGids: z.array(z.number().int().min(0)).optional(),
    })
    .default({ uid: 0, gid: 0 }),
  args: z.array(NoNul).min(1, 'process.args must name a command'),
  env: z.array(NoNul).default([]),
  cwd: AbsolutePath.default('/'),
  capabilities: z
    .object({
      bounding: CapList,
      effective: CapList,
      permitted: CapList,
      inheritable: CapList,
      ambient: CapList,
    })
    .optional(),
  rlimits: z.array(Rlimit).default([]),
  noNewPrivileges: z.boolean().default(false),
});
export type Process = z.infer<typeof Process>;

export const Mount = z.object({
  destination: AbsolutePath,
  type: z.string().optional(),
  source: NoNul.optional(),
  options: z.array(NoNul).default([]),
});
export type Mount = z.infer<typeof Mount>;

export const NAMESPACE_TYPES = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time'] as const;
export const Namespace = z.object({
  type: z.enum(NAMESPACE_TYPES),
  /** join the namespace at this path instead of creating one */
  path: AbsolutePath.optional(),
});
export type Namespace = z.infer<typeof Namespace>;

const IdMapping = z.object({
  containerID: z.number().int().min(0),
  hostID: z.number().int().min(0),
  size: z.number().int().min(1),
});

/** OCI linux.timeOffsets: how far a new time namespace's clock is from the host's */
const TimeOffset = z.object({
  secs: z
    .number()
    .int()
    .min(-(2 ** 40))
    .max(2 ** 40),
  nanosecs: z.number().int().min(0).max(999_999_999).default(0),
});
export const TIME_NAMESPACE_CLOCKS = ['monotonic', 'boottime'] as const;

export const Linux = z.object({
  namespaces: z.array(Namespace).default([]),
  uidMappings: z.array(IdMapping).default([]),
  gidMappings: z.array(IdMapping).default([]),
  timeOffsets: z.partialRecord(z.enum(TIME_NAMESPACE_CLOCKS), TimeOffset).optional(),
  maskedPaths: z.array(AbsolutePath).default([]),
  readonlyPaths: z.array(AbsolutePath).default([]),
  sysctl: z.record(z.string().regex(/^[a-z0-9_.-]+$/), NoNul).default({}),
  /** a seccomp profile; the runtime takes it compiled to BPF (PlanExtras.seccompBpf), never parses it */
  seccomp: z.unknown().optional(),
  resources: z.unknown().optional(),
  cgroupsPath: z.string().optional(),
});
export type Linux = z.infer<typeof Linux>;

export const RuntimeSpec = z.object({
  ociVersion: z.string().default('1.2.0'),
  process: Process,
  root: z.object({ path: NoNul, readonly: z.boolean().default(false) }),
  hostname: z.string().max(64).optional(),
  mounts: z.array(Mount).default([]),
  linux: Linux.default(() => Linux.parse({})),
});
export type RuntimeSpec = z.infer<typeof RuntimeSpec>;
export type RuntimeSpecInput = z.input<typeof RuntimeSpec>;

import { z } from 'zod';
import { CgroupResources } from '../cgroups/types.ts';
import { ContainerNetworkSpec, DEFAULT_NETWORK_SPEC } from '../network/spec.ts';
import { TIME_NAMESPACE_CLOCKS } from '../oci/spec.ts';

/**
 * What a caller asks for when creating a container: the engine's one schema,
 * in the engine's own (camelCase) terms. The Docker API and the control-plane
 * link translate their requests into it; neither validates on its own.
 */

export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

const EnvVar = z.string().regex(/^[^=\0]+(=|$)/, 'must be KEY=VALUE');
const AbsolutePath = z
  .string()
  .startsWith('/', 'must be an absolute path')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');

export const RestartPolicy = z.object({
  name: z.enum(['no', 'on-failure', 'always', 'unless-stopped']).default('no'),
  /** only for on-failure: 0 means retry forever */
  maximumRetryCount: z.number().int().min(0).default(0),
});
export type RestartPolicy = z.infer<typeof RestartPolicy>;

export const Mount = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('bind'),
    source: AbsolutePath,
    target: AbsolutePath,
    readOnly: z.boolean().default(false),
  }),
  z.object({
    type: z.literal('volume'),
    /** empty: an anonymous volume is created */
    source: z.string().default(''),
    target: AbsolutePath,
    readOnly: z.boolean().default(false),
    /** copy the image's content at target into the volume when it is new (Docker's default) */
    noCopy: z.boolean().default(false),
  }),
  z.object({
    type: z.literal('tmpfs'),
    target: AbsolutePath,
    sizeBytes: z.number().int().positive().optional(),
    mode: z.number().int().min(0).max(0o7777).optional(),
    readOnly: z.boolean().default(false),
  }),
]);
export type Mount = z.infer<typeof Mount>;

export const Ulimit = z.object({
  name: z.string().regex(/^[a-z]+$/),
  soft: z.number().int().min(-1),
  hard: z.number().int().min(-1),
});

export const LogConfig = z.object({
  type: z.literal('json-file').default('json-file'),
  maxSizeBytes: z.number().int().positive().optional(),
  maxFiles: z.number().int().min(1).max(100).default(1),
});

export const ContainerSpec = z.object({
  name: z.string().regex(CONTAINER_NAME, 'only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed').max(128).optional(),
  image: z.string().min(1, 'an image is required'),
  /** replaces the image's Cmd when given */
  cmd: z.array(z.string()).optional(),
  /** replaces the image's Entrypoint when given; [] clears it */
  entrypoint: z.array(z.string()).optional(),
  env: z.array(EnvVar).default([]),
  workingDir: z.string().optional(),
  /** uid[:gid] or name[:group], resolved in the image's /etc/passwd and /etc/group */
  user: z.string().optional(),
  hostname: z.string().max(63).optional(),
  domainname: z.string().max(190).optional(),
  labels: z.record(z.string(), z.string()).default({}),
  tty: z.boolean().default(false),
  openStdin: z.boolean().default(false),
  /** close stdin after the first attach ends (docker run -i) */
  stdinOnce: z.boolean().default(false),
  stopSignal: z.string().optional(),
  /** seconds between the stop signal and SIGKILL */
  stopTimeout: z.number().int().min(-1).optional(),
  network: ContainerNetworkSpec.default(DEFAULT_NETWORK_SPEC),
  host: z
    .object({
      resources: CgroupResources.default({}),
      restartPolicy: RestartPolicy.default({ name: 'no', maximumRetryCount: 0 }),
      autoRemove: z.boolean().default(false),
      privileged: z.boolean().default(false),
      capAdd: z.array(z.string()).default([]),
      capDrop: z.array(z.string()).default([]),
      readonlyRootfs: z.boolean().default(false),
      mounts: z.array(Mount).default([]),
      /** run a tiny init as PID 1 that reaps zombies and forwards signals (docker run --init) */
      init: z.boolean().default(false),
      noNewPrivileges: z.boolean().default(false),
      /** Docker's default seccomp profile, or none (`--security-opt seccomp=unconfined`) */
      seccomp: z.enum(['default', 'unconfined']).default('default'),
      ulimits: z.array(Ulimit).default([]),
      shmSizeBytes: z.number().int().positive().optional(),
      logConfig: LogConfig.default({ type: 'json-file', maxFiles: 1 }),
      /** "host": keep the host's user namespace when the agent remaps (`--userns=host`) */
      usernsMode: z.enum(['', 'host']).default(''),
      /** seconds added to CLOCK_MONOTONIC/CLOCK_BOOTTIME inside (a time namespace of its own) */
      timeOffsets: z.partialRecord(z.enum(TIME_NAMESPACE_CLOCKS), z.number().int()).optional(),
    })
    .default({
      resources: {},
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      autoRemove: false,
      privileged: false,
      capAdd: [],
      capDrop: [],
      readonlyRootfs: false,
      mounts: [],
      init: false,
      noNewPrivileges: false,
      seccomp: 'default',
      ulimits: [],
      logConfig: { type: 'json-file', maxFiles: 1 },
      usernsMode: '',
    }),
});
export type ContainerSpecInput = z.input<typeof ContainerSpec>;
export type ContainerSpec = z.infer<typeof ContainerSpec>;

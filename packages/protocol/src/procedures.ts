import { z } from 'zod';
import { ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from './host-state.ts';

/**
 * Every procedure the control plane may ask of an agent, with one zod schema for its input and
 * one for its output (calls) or its items and final result (streams). The agent parses every
 * input with these before acting; the control plane derives its types from them.
 */

const Id = z.string().min(1).max(256);
const Empty = z.object({});
const Ref = z.object({ id: Id });
/** Docker-shaped inspect JSON, passed through as the engine renders it */
const Inspect = z.record(z.string(), z.unknown());

export const RunContainerInput = z.object({
  image: z.string().min(1).max(512),
  name: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed')
    .max(128)
    .optional(),
  cmd: z.array(z.string().max(65536)).max(1024).optional(),
  entrypoint: z.array(z.string().max(65536)).max(1024).optional(),
  env: z
    .array(z.string().regex(/^[^=\0]+(=|$)/, 'must be KEY=VALUE'))
    .max(1024)
    .default([]),
  labels: z.record(z.string(), z.string()).default({}),
  workingDir: z.string().max(4096).optional(),
  user: z.string().max(256).optional(),
  tty: z.boolean().default(false),
  openStdin: z.boolean().default(false),
  restartPolicy: z.enum(['no', 'on-failure', 'always', 'unless-stopped']).default('no'),
  autoRemove: z.boolean().default(false),
  /** -p: hostPort 0 takes a free port; hostIp empty: every address */
  ports: z
    .array(
      z.object({
        containerPort: z.number().int().min(1).max(65535),
        protocol: z.enum(['tcp', 'udp']).default('tcp'),
        hostIp: z
          .string()
          .regex(/^$|^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address')
          .default(''),
        hostPort: z.number().int().min(0).max(65535).default(0),
      }),
    )
    .max(64)
    .default([]),
  /** -v: a named volume, or (with the manage right: it reaches the host's files) a host path */
  mounts: z
    .array(
      z.object({
        type: z.enum(['volume', 'bind']),
        source: z.string().min(1).max(4096),
        target: z.string().regex(/^\//, 'must be an absolute path').max(4096),
        readOnly: z.boolean().default(false),
      }),
    )
    .max(64)
    .default([]),
  /** --network: bridge (default), host, none, or a network's name */
  network: z.string().min(1).max(128).optional(),
  /** -m */
  memoryBytes: z
    .number()
    .int()
    .min(6 * 1024 * 1024, 'at least 6 MiB')
    .optional(),
  /** --cpus × 1e9 */
  nanoCpus: z.number().int().min(10_000_000, 'at least 0.01 CPU').optional(),
  pidsLimit: z.number().int().min(1).optional(),
  /** create only, or create and start (docker run) */
  start: z.boolean().default(true),
});
export type RunContainerInput = z.input<typeof RunContainerInput>;

/** A user-defined bridge network, as `docker network create` takes it. */
export const NetworkCreateInput = z.object({
  name: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed')
    .max(128),
  /** CIDR; absent: a free /24 from the agent's pool */
  subnet: z.string().max(64).optional(),
  gateway: z.string().max(64).optional(),
  internal: z.boolean().default(false),
  labels: z.record(z.string().max(256), z.string().max(4096)).default({}),
});
export type NetworkCreateInput = z.input<typeof NetworkCreateInput>;

export const DeleteResult = z.object({ deleted: z.array(z.string()), untagged: z.array(z.string()) });
export const PruneResult = z.object({ deleted: z.array(z.string()), reclaimedBytes: z.number().int() });

export const Calls = {
  'containers.list': {
    input: z.object({ all: z.boolean().default(true) }),
    output: z.array(ContainerSummary),
  },
  'containers.inspect': { input: Ref, output: Inspect },
  'containers.run': { input: RunContainerInput, output: z.object({ id: Id, name: z.string() }) },
  'containers.start': { input: Ref, output: Empty },
  'containers.stop': {
    input: Ref.extend({ timeoutSeconds: z.number().int().min(0).max(3600).optional() }),
    output: Empty,
  },
  'containers.restart': {
    input: Ref.extend({ timeoutSeconds: z.number().int().min(0).max(3600).optional() }),
    output: Empty,
  },
  'containers.kill': {
    input: Ref.extend({
      signal: z
        .string()
        .regex(/^[A-Z0-9]+$/)
        .max(16)
        .optional(),
    }),
    output: Empty,
  },
  'containers.pause': { input: Ref, output: Empty },
  'containers.unpause': { input: Ref, output: Empty },
  'containers.remove': {
    input: Ref.extend({ force: z.boolean().default(false), volumes: z.boolean().default(false) }),
    output: Empty,
  },
  'containers.rename': {
    input: Ref.extend({
      name: z
        .string()
        .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/)
        .max(128),
    }),
    output: Empty,
  },
  'containers.top': {
    input: Ref.extend({
      psArgs: z
        .string()
        .regex(/^[a-zA-Z -]*$/)
        .max(64)
        .optional(),
    }),
    output: z.object({ titles: z.array(z.string()), processes: z.array(z.array(z.string())) }),
  },
  'images.list': { input: Empty, output: z.array(ImageSummary) },
  'images.inspect': { input: z.object({ ref: z.string().min(1).max(512) }), output: Inspect },
  'images.remove': {
    input: z.object({ ref: z.string().min(1).max(512), force: z.boolean().default(false) }),
    output: DeleteResult,
  },
  'images.prune': { input: z.object({ all: z.boolean().default(false) }), output: PruneResult },
  'volumes.list': { input: Empty, output: z.array(VolumeSummary) },
  'volumes.create': {
    input: z.object({
      name: z
        .string()
        .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/)
        .max(255)
        .optional(),
      labels: z.record(z.string(), z.string()).default({}),
    }),
    output: VolumeSummary,
  },
  'volumes.remove': {
    input: z.object({ name: z.string().min(1).max(255), force: z.boolean().default(false) }),
    output: Empty,
  },
  'volumes.prune': { input: Empty, output: PruneResult },
  'networks.create': { input: NetworkCreateInput, output: NetworkSummary },
  'networks.remove': { input: z.object({ ref: z.string().min(1).max(128) }), output: Empty },
  /** the agent's own view of its link streams: how many, and the most it ever held unsent */
  'agent.linkStats': {
    input: Empty,
    output: z.object({
      openStreams: z.number().int(),
      queuedBytes: z.number().int(),
      maxQueuedBytes: z.number().int(),
    }),
  },
} as const;

export const ContainerStatsSample = z.object({
  at: z.string(),
  /** of one CPU; 200 = two CPUs busy */
  cpuPercent: z.number(),
  memoryUsageBytes: z.number().int(),
  memoryLimitBytes: z.number().int(),
  pids: z.number().int(),
  readBytes: z.number().int(),
  writeBytes: z.number().int(),
});
export type ContainerStatsSample = z.infer<typeof ContainerStatsSample>;

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainPart = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const domain = `(?:${domainPart}(?:\\.${domainPart})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
/** Docker's reference grammar: [domain[:port]/]path[:tag][@digest] */
const referencePattern = new RegExp(
  `^(?:${domain}/)?${component}(?:/${component})*(?::[\\w][\\w.-]{0,127})?(?:@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,})?$`,
);

/** What to pull: the browser's form, the tRPC input and the agent all parse it with this. */
export const PullImageInput = z.object({
  reference: z
    .string()
    .trim()
    .min(1, 'an image reference is required')
    .max(512)
    .regex(referencePattern, 'not an image reference (like busybox:latest or registry:5000/team/app:1)'),
  platform: z
    .string()
    .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'a platform is os/arch[/variant], like linux/arm64')
    .max(64)
    .optional(),
});
export type PullImageInput = z.input<typeof PullImageInput>;

/** One layer's step of a pull; current/total in bytes while downloading or extracting. */
export const PullProgress = z.object({
  layer: z.string(),
  status: z.string(),
  current: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative().optional(),
});
export type PullProgress = z.infer<typeof PullProgress>;

/**
 * Streams carry bytes (binary frames on the stdout/stderr channels, and stdin/upload the other
 * way) or JSON items, then end with a result or an error.
 */
export const Streams = {
  /** stdout/stderr bytes, one log line per chunk */
  'containers.logs': {
    input: Ref.extend({
      follow: z.boolean().default(false),
      /** last N lines; absent: all */
      tail: z.number().int().min(0).max(1_000_000).optional(),
      /** unix milliseconds */
      since: z.number().int().nonnegative().optional(),
      timestamps: z.boolean().default(false),
      stdout: z.boolean().default(true),
      stderr: z.boolean().default(true),
    }),
    item: z.never(),
    result: Empty,
  },
  'containers.stats': {
    input: Ref.extend({ intervalMs: z.number().int().min(200).max(60_000).default(1000) }),
    item: ContainerStatsSample,
    result: Empty,
  },
  /** stdin in, stdout (and stderr without a TTY) out, resize; ending the stream kills the process */
  'containers.exec': {
    input: Ref.extend({
      cmd: z.array(z.string().max(65536)).min(1, 'a command is required').max(1024),
      tty: z.boolean().default(false),
      stdin: z.boolean().default(true),
      env: z
        .array(z.string().regex(/^[^=\0]+(=|$)/, 'must be KEY=VALUE'))
        .max(1024)
        .default([]),
      user: z.string().max(256).optional(),
      workingDir: z.string().max(4096).optional(),
      rows: z.number().int().min(1).max(1000).optional(),
      cols: z.number().int().min(1).max(1000).optional(),
    }),
    item: z.never(),
    result: z.object({ exitCode: z.number().int() }),
  },
  /** a `docker save` tarball uploaded on the input channel */
  'images.load': {
    input: Empty,
    item: z.never(),
    result: z.object({ images: z.array(z.object({ id: z.string(), tags: z.array(z.string()) })) }),
  },
  /** layer progress as items; cancelling the stream abandons the pull with nothing half-recorded */
  'images.pull': {
    input: PullImageInput,
    item: PullProgress,
    result: z.object({ id: z.string(), digest: z.string(), reference: z.string(), upToDate: z.boolean() }),
  },
} as const;

export type CallName = keyof typeof Calls;
export type StreamName = keyof typeof Streams;
export type CallInput<N extends CallName> = z.input<(typeof Calls)[N]['input']>;
export type CallOutput<N extends CallName> = z.infer<(typeof Calls)[N]['output']>;
export type StreamInput<N extends StreamName> = z.input<(typeof Streams)[N]['input']>;
export type StreamItem<N extends StreamName> = z.infer<(typeof Streams)[N]['item']>;
export type StreamResult<N extends StreamName> = z.infer<(typeof Streams)[N]['result']>;

export const isCallName = (name: string): name is CallName => Object.hasOwn(Calls, name);
export const isStreamName = (name: string): name is StreamName => Object.hasOwn(Streams, name);

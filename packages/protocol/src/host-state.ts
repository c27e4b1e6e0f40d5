import { z } from 'zod';

/**
 * What an agent reports about its host: a full snapshot on every (re)connect, then updates
 * driven by engine events. The control plane keeps the last report of each host in its
 * database and answers lists from there, so a list never waits on an agent.
 */

export const ContainerStatus = z.enum([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);
export type ContainerStatus = z.infer<typeof ContainerStatus>;

export const ContainerSummary = z.object({
  id: z.string().min(1).max(128),
  name: z.string().max(256),
  image: z.string().max(512),
  imageId: z.string().max(128),
  command: z.string().max(4096),
  /** ISO times; null when never */
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  status: ContainerStatus,
  exitCode: z.number().int(),
  labels: z.record(z.string(), z.string()),
  /** published ports while it runs (hostIp empty: every address) */
  ports: z
    .array(
      z.object({
        hostIp: z.string().max(64),
        hostPort: z.number().int().min(0).max(65535),
        containerPort: z.number().int().min(1).max(65535),
        protocol: z.enum(['tcp', 'udp']),
      }),
    )
    .max(1024)
    .default([]),
});
export type ContainerSummary = z.infer<typeof ContainerSummary>;

export const ImageSummary = z.object({
  id: z.string().min(1).max(128),
  repoTags: z.array(z.string().max(512)),
  sizeBytes: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type ImageSummary = z.infer<typeof ImageSummary>;

export const VolumeSummary = z.object({
  name: z.string().min(1).max(255),
  driver: z.string().max(64),
  mountpoint: z.string().max(4096),
  createdAt: z.string(),
  labels: z.record(z.string(), z.string()),
});
export type VolumeSummary = z.infer<typeof VolumeSummary>;

export const NetworkSummary = z.object({
  id: z.string().min(1).max(128),
  name: z.string().max(256),
  driver: z.string().max(64),
  subnet: z.string().max(64).nullable(),
});
export type NetworkSummary = z.infer<typeof NetworkSummary>;

export const HostStats = z.object({
  /** 1-minute load average */
  load1: z.number().nonnegative(),
  /** every CPU's busy share since the previous report, 0–100 */
  cpuPercent: z.number().min(0).max(100).default(0),
  memoryTotalBytes: z.number().int().nonnegative(),
  memoryAvailableBytes: z.number().int().nonnegative(),
  containersRunning: z.number().int().nonnegative(),
  uptimeSeconds: z.number().nonnegative(),
  /** each running container's use since the previous report (CPU: 100 is one whole CPU) */
  containers: z
    .array(
      z.object({
        id: z.string().min(1).max(128),
        cpuPercent: z.number().nonnegative(),
        memoryBytes: z.number().int().nonnegative(),
      }),
    )
    .max(100_000)
    .default([]),
});
export type HostStats = z.infer<typeof HostStats>;

export const HostState = z.object({
  containers: z.array(ContainerSummary),
  images: z.array(ImageSummary),
  volumes: z.array(VolumeSummary),
  networks: z.array(NetworkSummary).default([]),
  stats: HostStats,
});
export type HostState = z.infer<typeof HostState>;

/**
 * A change since the last report. Containers change one at a time (upsert by id, remove by id);
 * images, volumes and networks are short lists and come whole when any of them changed.
 */
export const HostStateUpdate = z.object({
  containers: z
    .object({ upsert: z.array(ContainerSummary), remove: z.array(z.string().min(1).max(128)) })
    .optional(),
  images: z.array(ImageSummary).optional(),
  volumes: z.array(VolumeSummary).optional(),
  networks: z.array(NetworkSummary).optional(),
  stats: HostStats.optional(),
  /** the engine events that caused this update, for the control plane's event log */
  events: z
    .array(
      z.object({
        type: z.string().max(32),
        action: z.string().max(64),
        id: z.string().max(256),
        attributes: z.record(z.string(), z.string()),
        /** unix milliseconds */
        at: z.number(),
      }),
    )
    .max(1000)
    .default([]),
});
export type HostStateUpdate = z.infer<typeof HostStateUpdate>;
export type HostEvent = HostStateUpdate['events'][number];

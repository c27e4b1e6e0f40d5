import { z } from 'zod';

/** Docker's rule for volume names: at least two characters, no path separators. */
export const VolumeName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'volume names must match [a-zA-Z0-9][a-zA-Z0-9_.-]+')
  .max(255);

/** Set on volumes made without a name, as Docker does, so prune can tell them apart. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export const CreateVolumeRequest = z.object({
  /** absent or empty: an anonymous volume with a random 64-hex name */
  name: z.string().optional(),
  driver: z.literal('local').default('local'),
  labels: z.record(z.string(), z.string()).default({}),
  /** local-driver options (type, device, o) */
  options: z.record(z.string(), z.string()).default({}),
});
export type CreateVolumeRequest = z.input<typeof CreateVolumeRequest>;

/** What `volumes/<name>/meta.json` holds. */
export const VolumeMeta = z.object({
  name: z.string(),
  driver: z.literal('local'),
  labels: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  /** RFC 3339, seconds precision, as Docker shows it */
  createdAt: z.string(),
});
export type VolumeMeta = z.infer<typeof VolumeMeta>;

/** Docker Engine API's Volume object (GET /volumes/{name}). */
export interface VolumeInspect {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string>;
}

export interface VolumeListFilters {
  /** substring of the name, as Docker's `name` filter; any of them */
  name?: string[];
  /** `key` or `key=value`; all of them */
  label?: string[];
  /** true: only volumes no container uses; false: only used ones */
  dangling?: boolean;
  driver?: string[];
}

export interface PruneResult {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}

/**
 * What a pull or push reports, one event per step, each mapping onto one
 * line of Docker's JSON progress stream (progress-lines.ts) and usable as
 * is by the control plane. `id` is the 12-hex short form of a layer digest.
 */
export type LayerStatus =
  | 'Pulling fs layer'
  | 'Waiting'
  | 'Downloading'
  | 'Retrying'
  | 'Verifying Checksum'
  | 'Download complete'
  | 'Extracting'
  | 'Pull complete'
  | 'Already exists'
  | 'Preparing'
  | 'Pushing'
  | 'Pushed'
  | 'Layer already exists'
  | `Mounted from ${string}`;

export type ProgressEvent =
  /** `Pulling from library/busybox` (id: the tag or digest) / `The push refers to repository [...]` */
  | { kind: 'start'; action: 'pull' | 'push'; repository: string; tag: string }
  /** one layer's step; current/total in bytes for Downloading, Extracting, Pushing */
  | { kind: 'layer'; id: string; status: LayerStatus; current?: number; total?: number }
  /** pull: the manifest (or index) digest the reference resolved to */
  | { kind: 'digest'; digest: string }
  /** pull: whether the tag moved */
  | { kind: 'done'; action: 'pull'; upToDate: boolean; reference: string }
  /** push: the pushed manifest */
  | { kind: 'pushed'; tag: string; digest: string; size: number };

export type ProgressListener = (event: ProgressEvent) => void;

export function shortId(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

import type { Digest } from '../content/digest.ts';
import type { ContainerSnapshot } from '../snapshots/snapshotter.ts';
import type { EventSource, ImageEvent } from './image-events.ts';
import type { ContainerConfig, ImageConfig, ImageManifest } from './oci-schemas.ts';

/** `docker images` row (Engine API ImageSummary). */
export interface ImageSummary {
  Id: Digest;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  /** unix seconds */
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string>;
  Containers: number;
}

/** `docker image inspect` (Engine API ImageInspect, the fields Berth knows). */
export interface ImageInspect {
  Id: Digest;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  GraphDriver: { Name: 'overlay2'; Data: Record<string, string> | null };
  RootFS: { Type: 'layers'; Layers: Digest[] };
  Metadata: { LastTagTime: string };
}

export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** What the containers layer needs to create a container from an image. */
export interface ResolvedImage {
  id: Digest;
  config: ImageConfig;
  /** top layer ChainID to pass to Snapshotter.prepare; null for an image with no layers */
  chainId: Digest | null;
  repoTags: string[];
}

export interface LoadResult {
  images: { id: Digest; tags: string[] }[];
}

/** Docker's delete response items. */
export type DeleteItem = { Untagged: string } | { Deleted: string };

/** Whether a container uses the image; running blocks even a forced removal, as in Docker. */
export type ImageUsage = (
  imageId: Digest,
) => Promise<'running' | 'stopped' | null> | 'running' | 'stopped' | null;

export interface ImportOptions {
  /** `repo:tag` to tag the new image with */
  ref?: string;
  /** Dockerfile instructions (CMD, ENV, ...) as `docker import --change` */
  changes?: string[];
  message?: string;
  /** defaults to this host's */
  architecture?: string;
  os?: string;
}

export interface CommitOptions {
  /** the container's image, whose config and layers the new image extends */
  imageId: Digest | null;
  /** the container's own config, recorded as the new image's config (Docker's behaviour); defaults to the base image's */
  config?: ContainerConfig;
  changes?: string[];
  ref?: string;
  comment?: string;
  author?: string;
}

export interface DiskUsage {
  /** bytes of all unpacked layers */
  layersSize: number;
  images: { id: Digest; size: number; sharedSize: number; uniqueSize: number }[];
}

export type SaveFormat = 'docker' | 'oci';

/** A local image as a registry push sends it: the stored manifest bytes, unchanged, and what they name. */
export interface DistributableImage {
  id: Digest;
  manifestDigest: Digest;
  manifestBytes: Buffer;
  /** its config and layer descriptors, layers bottom-up, as stored (maybe compressed) */
  manifest: ImageManifest;
  /** `domain/path@sha256:…` it was pulled or pushed by: their repositories may lend blobs (cross-repo mount) */
  repoDigests: string[];
}

/**
 * Local images: records (tags → manifest → config → layers) over a content
 * store and a snapshotter. References are normalised Docker-style; ids are
 * config digests. Errors are EngineErrors: not_found, invalid, conflict, forbidden.
 */
export interface ImageStore {
  readonly events: EventSource<ImageEvent>;
  /** by id, id prefix, name[:tag] or name@digest */
  resolve(ref: string): Promise<ResolvedImage>;
  list(options?: { all?: boolean; dangling?: boolean; reference?: string }): Promise<ImageSummary[]>;
  inspect(ref: string): Promise<ImageInspect>;
  history(ref: string): Promise<ImageHistoryItem[]>;
  /** a `docker save` tarball (Docker 25+ layout, also an OCI layout) or an OCI layout tarball; gzip accepted */
  load(input: AsyncIterable<Uint8Array>): Promise<LoadResult>;
  /** `docker import`: a rootfs tarball becomes a one-layer image */
  importRootfs(input: AsyncIterable<Uint8Array>, options?: ImportOptions): Promise<Digest>;
  /** streams a tarball of the images; `docker` writes manifest.json + repositories beside the OCI layout */
  save(refs: string[], format?: SaveFormat): AsyncIterable<Buffer>;
  tag(source: string, target: string): Promise<void>;
  remove(ref: string, options?: { force?: boolean }): Promise<DeleteItem[]>;
  prune(options?: { all?: boolean }): Promise<{ ImagesDeleted: DeleteItem[]; SpaceReclaimed: number }>;
  /** creates the container's snapshot from the image; the caller mounts the returned spec */
  prepareRootfs(containerId: string, ref: string): Promise<ContainerSnapshot>;
  /** `docker commit`: the container's upper dir becomes a new layer on its image */
  commit(containerId: string, options: CommitOptions): Promise<Digest>;
  diskUsage(): Promise<DiskUsage>;
  /**
   * For the registry client: records an image whose manifest, config and
   * layer blobs are in the content store. Layers already unpacked while
   * streaming (Snapshotter.applyLayer with the expected diff_id) are reused;
   * missing ones are unpacked from their blobs.
   */
  registerImage(
    manifestDigest: Digest,
    options?: { tags?: string[]; repoDigests?: string[]; action?: 'pull' | 'load' },
  ): Promise<Digest>;
  /** For the registry client's push: the image a tag names, as it goes out; not_found names the tag. */
  distributable(ref: string): Promise<DistributableImage>;
  /** After a push: records `domain/path@digest` as a RepoDigest of the image and emits `push`. */
  recordPush(id: Digest, repoDigest: string, tag: string): Promise<void>;
  /** Runs fn with garbage collection held off: wrap a pull's blob writes, unpacks and registerImage in it. */
  lease<T>(fn: () => Promise<T>): Promise<T>;
  /** removes blobs and layers no image or container references; safe at any time */
  garbageCollect(): Promise<{ blobs: number; layers: number; reclaimedBytes: number }>;
}

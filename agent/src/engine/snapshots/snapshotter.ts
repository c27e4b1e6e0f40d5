import type { ContentInfo, ContentWriter } from '../content/content-store.ts';
import type { Digest } from '../content/digest.ts';

export interface LayerInfo {
  chainId: Digest;
  diffId: Digest;
  parent: Digest | null;
  /** bytes of file content in the unpacked diff */
  size: number;
  entries: number;
  createdAt: string;
  /** the unpacked directory, shared read-only by every image and container above it */
  diffDir: string;
}

/**
 * What the caller mounts. If `cwd` is set the lowerdir paths are relative
 * (they would not fit mount(2)'s one-page data limit otherwise): the caller
 * must chdir(cwd) before calling mount(2), or pass the options through a
 * process started in cwd. Without `cwd` every path is absolute.
 */
export interface MountSpec {
  type: 'overlay';
  source: 'overlay';
  target: string;
  options: string[];
  cwd?: string;
}

/** A container's root filesystem, as `docker inspect` GraphDriver shows it. */
export interface ContainerSnapshot {
  containerId: string;
  /** top image layer below the init layer; null for an image with no layers */
  parent: Digest | null;
  mount: MountSpec;
  /** per-container layer just above the image: the containers layer writes etc/hosts, etc/hostname, etc/resolv.conf here */
  initDir: string;
  upperDir: string;
  workDir: string;
  mergedDir: string;
  graphDriver: {
    Name: 'overlay2';
    Data: { LowerDir: string; UpperDir: string; MergedDir: string; WorkDir: string };
  };
}

/** Docker's change kinds: 0 modified (C), 1 added (A), 2 deleted (D). */
export type ChangeKind = 0 | 1 | 2;
export interface Change {
  Path: string;
  Kind: ChangeKind;
}

export interface CommittedLayer {
  layer: LayerInfo;
  /** the uncompressed layer tar, stored in the content store (its digest is the diff_id) */
  blob: ContentInfo;
}

export interface ApplyLayerOptions {
  /** refuse the layer (nothing committed) unless its uncompressed bytes hash to this */
  expectedDiffId?: Digest;
}

/**
 * A layer being unpacked before its parent is known (see Snapshotter.beginLayer).
 */
export interface LayerIngest {
  /**
   * Uncompressed tar bytes in order, kept until written (do not reuse them); throws forbidden/invalid
   * on a bad entry, after which only abort() is valid. A promise: too much is queued, wait for it.
   */
  push(chunk: Buffer): Promise<void> | undefined;
  /** the input ended; completes the unpack and returns its diff_id */
  finish(): Promise<Digest>;
  /** installs the unpack as the layer above parent (or finds that layer already there and discards this one) */
  commit(parent: Digest | null): Promise<LayerInfo>;
  /** discards the unpack unless committed; safe to call twice */
  abort(): Promise<void>;
}

/**
 * Overlay layers and per-container snapshots. Returns mount specs; never mounts.
 */
export interface Snapshotter {
  layer(chainId: Digest): Promise<LayerInfo | undefined>;
  listLayers(): Promise<LayerInfo[]>;
  /** unpacks a layer tar stream above `parent` once; concurrent calls for the same layer share one unpack */
  applyLayer(
    parent: Digest | null,
    input: AsyncIterable<Uint8Array>,
    options?: ApplyLayerOptions,
  ): Promise<LayerInfo>;
  /** a push-style unpack whose place in a chain is decided at commit (docker load streams layers before their manifest) */
  beginLayer(): LayerIngest;
  /** removes every layer whose chainId is not in `keep` and not under a container snapshot */
  gcLayers(keep: ReadonlySet<Digest>): Promise<{ removed: Digest[]; reclaimedBytes: number }>;

  prepare(containerId: string, parent: Digest | null): Promise<ContainerSnapshot>;
  get(containerId: string): Promise<ContainerSnapshot>;
  list(): Promise<string[]>;
  /** removes the container's dirs; the caller must have unmounted mergedDir */
  remove(containerId: string): Promise<void>;
  changes(containerId: string): Promise<Change[]>;
  /** tar of the container's filesystem (the mounted merged dir when mounted, computed from the layers otherwise) */
  export(containerId: string): AsyncIterable<Buffer>;
  /** turns the upper dir into a new layer: one pass writes the blob and the unpacked diff */
  commit(containerId: string, blob: ContentWriter): Promise<CommittedLayer>;
  usage(containerId: string): Promise<{ sizeRw: number; sizeRootFs: number }>;
}

import type { Readable } from 'node:stream';
import type { Digest } from './digest.ts';

export interface ContentInfo {
  digest: Digest;
  size: number;
  /** when the blob was committed */
  createdAt: Date;
}

export interface WriteOptions {
  /** commit fails unless the written bytes hash to this */
  expected?: Digest;
  /** commit fails unless exactly this many bytes were written */
  size?: number;
  /** writes fail once more than this many bytes arrive (bounds a hostile source) */
  maxSize?: number;
}

/**
 * One in-progress write. Bytes go to a private ingest file; the blob becomes
 * visible only through commit(), and only when the digest (and size) match.
 */
export interface ContentWriter {
  readonly offset: number;
  write(chunk: Uint8Array): Promise<void>;
  /** the digest of what was written so far */
  digest(): Digest;
  commit(expected?: WriteOptions): Promise<ContentInfo>;
  /** drops the ingest file; safe to call after a failed commit or twice */
  abort(): Promise<void>;
}

/**
 * Content-addressed blob storage (containerd's content store). Blobs are
 * immutable; writers of the same digest may race and both succeed.
 */
export interface ContentStore {
  info(digest: Digest): Promise<ContentInfo>;
  has(digest: Digest): Promise<boolean>;
  /** local file path of a committed blob, for readers that want a file (e.g. sendfile) */
  path(digest: Digest): string;
  read(digest: Digest): Readable;
  /** the whole blob; refuses blobs over maxBytes so a manifest lookup cannot load a layer */
  readBytes(digest: Digest, maxBytes: number): Promise<Buffer>;
  writer(options?: WriteOptions): Promise<ContentWriter>;
  /** streams source into a writer and commits it */
  put(source: AsyncIterable<Uint8Array> | Uint8Array, options?: WriteOptions): Promise<ContentInfo>;
  delete(digest: Digest): Promise<void>;
  list(): Promise<ContentInfo[]>;
  walk(fn: (info: ContentInfo) => Promise<void> | void): Promise<void>;
  /** removes ingest files left by a crash; call at startup before any writer exists */
  cleanIngests(): Promise<void>;
}

import { createHash, type Hash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { type FileHandle, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FsQueue, type QueuedFile } from '../archive/fs-queue.ts';
import { EngineError } from '../errors.ts';
import type { ContentInfo, ContentStore, ContentWriter, WriteOptions } from './content-store.ts';
import { type Digest, digestHex, isDigest } from './digest.ts';

export interface LocalContentStoreOptions {
  /** fsync each blob before it is renamed into place (off only in tests that measure nothing else) */
  sync?: boolean;
}

/**
 * Blobs at <root>/blobs/sha256/<hex>; writes go to <root>/ingest/<random> and
 * are renamed into place after verification. rename(2) makes a commit atomic
 * and lets two writers of the same digest race harmlessly (same bytes).
 */
export class LocalContentStore implements ContentStore {
  private readonly blobDir: string;
  private readonly ingestDir: string;
  private readonly sync: boolean;
  private ready = false;

  constructor(
    readonly root: string,
    options: LocalContentStoreOptions = {},
  ) {
    this.blobDir = join(root, 'blobs', 'sha256');
    this.ingestDir = join(root, 'ingest');
    this.sync = options.sync ?? true;
  }

  private init(): void {
    if (this.ready) return;
    mkdirSync(this.blobDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.ingestDir, { recursive: true, mode: 0o700 });
    this.ready = true;
  }

  path(digest: Digest): string {
    if (!isDigest(digest)) throw new EngineError('invalid', `not a sha256 digest: ${digest}`);
    return join(this.blobDir, digestHex(digest));
  }

  // Metadata calls are synchronous: a stat of a local file costs microseconds,
  // a thread-pool round trip costs more.
  async info(digest: Digest): Promise<ContentInfo> {
    try {
      const st = statSync(this.path(digest));
      return { digest, size: st.size, createdAt: st.mtime };
    } catch (err) {
      if (isNoEnt(err)) throw new EngineError('not_found', `content ${digest} not found`);
      throw err;
    }
  }

  async has(digest: Digest): Promise<boolean> {
    try {
      statSync(this.path(digest));
      return true;
    } catch (err) {
      if (isNoEnt(err)) return false;
      throw err;
    }
  }

  read(digest: Digest): Readable {
    // 1 MiB reads: layers are read whole, and each read is a thread-pool round trip
    const stream = createReadStream(this.path(digest), { highWaterMark: 1 << 20 });
    // Map ENOENT to the engine's code without the caller checking has() first (that would race a delete).
    const original = stream.destroy.bind(stream);
    stream.destroy = (err?: Error) =>
      original(
        isNoEnt(err) ? new EngineError('not_found', `content ${digest} not found`, { cause: err }) : err,
      );
    return stream;
  }

  async readBytes(digest: Digest, maxBytes: number): Promise<Buffer> {
    let fd: number;
    try {
      fd = openSync(this.path(digest), 'r');
    } catch (err) {
      if (isNoEnt(err)) throw new EngineError('not_found', `content ${digest} not found`);
      throw err;
    }
    try {
      const { size } = fstatSync(fd);
      if (size > maxBytes)
        throw new EngineError('invalid', `content ${digest} is ${size} bytes, over ${maxBytes}`);
      return readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  async writer(options: WriteOptions = {}): Promise<ContentWriter> {
    this.init();
    const ingestPath = join(this.ingestDir, randomBytes(12).toString('hex'));
    const handle = await open(ingestPath, 'wx', 0o600);
    return new LocalWriter(this, handle, ingestPath, options, this.sync);
  }

  async put(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    options: WriteOptions = {},
  ): Promise<ContentInfo> {
    const w = await this.writer(options);
    try {
      if (source instanceof Uint8Array) await w.write(source);
      else for await (const chunk of source) await w.write(chunk);
      return await w.commit();
    } catch (err) {
      await w.abort();
      throw err;
    }
  }

  async delete(digest: Digest): Promise<void> {
    try {
      await unlink(this.path(digest));
    } catch (err) {
      if (isNoEnt(err)) throw new EngineError('not_found', `content ${digest} not found`);
      throw err;
    }
  }

  async list(): Promise<ContentInfo[]> {
    const out: ContentInfo[] = [];
    await this.walk((info) => {
      out.push(info);
    });
    return out;
  }

  async walk(fn: (info: ContentInfo) => Promise<void> | void): Promise<void> {
    this.init();
    for (const name of await readdir(this.blobDir)) {
      const digest = `sha256:${name}`;
      if (!isDigest(digest)) continue;
      let st: Awaited<ReturnType<typeof stat>>;
      try {
        st = await stat(join(this.blobDir, name));
      } catch (err) {
        if (isNoEnt(err)) continue; // deleted while walking
        throw err;
      }
      await fn({ digest, size: st.size, createdAt: st.mtime });
    }
  }

  async cleanIngests(): Promise<void> {
    this.init();
    for (const name of await readdir(this.ingestDir)) await rm(join(this.ingestDir, name), { force: true });
  }

  /** @internal used by LocalWriter */
  async install(ingestPath: string, digest: Digest): Promise<void> {
    await rename(ingestPath, this.path(digest));
  }
}

/**
 * Hashes each chunk as it comes and writes it through an FsQueue: the writes run on libuv's
 * pool in batches, so neither a promise per chunk nor a slow disk holds up the event loop.
 * Chunks are kept until written: callers must not reuse them.
 */
class LocalWriter implements ContentWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly queue = new FsQueue();
  private readonly file: QueuedFile;
  private written = 0;
  private closed = false;

  constructor(
    private readonly store: LocalContentStore,
    private readonly handle: FileHandle,
    private readonly ingestPath: string,
    private readonly options: WriteOptions,
    private readonly sync: boolean,
  ) {
    this.file = { handle };
  }

  get offset(): number {
    return this.written;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.closed) throw new EngineError('internal', 'write after commit or abort');
    const limit = this.options.maxSize ?? this.options.size;
    if (limit !== undefined && this.written + chunk.byteLength > limit) {
      throw new EngineError('invalid', `content exceeds ${limit} bytes`);
    }
    this.queue.check();
    this.hash.update(chunk);
    this.queue.write(this.file, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.written += chunk.byteLength;
    await this.queue.room();
  }

  digest(): Digest {
    return `sha256:${this.hash.copy().digest('hex')}`;
  }

  async commit(expected: WriteOptions = {}): Promise<ContentInfo> {
    if (this.closed) throw new EngineError('internal', 'commit after commit or abort');
    const want = { ...this.options, ...expected };
    const digest = this.digest();
    try {
      if (want.size !== undefined && want.size !== this.written) {
        throw new EngineError('invalid', `size mismatch: expected ${want.size} bytes, got ${this.written}`);
      }
      if (want.expected !== undefined && want.expected !== digest) {
        throw new EngineError('invalid', `digest mismatch: expected ${want.expected}, got ${digest}`);
      }
      await this.queue.drained();
      if (this.sync) await this.handle.sync();
      this.closed = true;
      await this.handle.close();
      await this.store.install(this.ingestPath, digest);
    } catch (err) {
      await this.abort();
      throw err;
    }
    return { digest, size: this.written, createdAt: new Date() };
  }

  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.queue.stop();
      await this.handle.close().catch(() => {});
    }
    await rm(this.ingestPath, { force: true });
  }
}

function isNoEnt(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

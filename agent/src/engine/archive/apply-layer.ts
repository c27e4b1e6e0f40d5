import { createHash } from 'node:crypto';
import { constants, lchownSync, lutimesSync } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, rm, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { decompressed } from './decompress.ts';
import { FsQueue, type QueuedFile } from './fs-queue.ts';
import { FsopsBatch } from './fsops-batch.ts';
import { type TarEntryHeader, TarParser } from './tar-parser.ts';
import { baseOf, cleanEntryPath, depthOf, parentOf } from './tar-path.ts';
import { AUFS_META_PREFIX, OPAQUE_MARKER, WHITEOUT_PREFIX } from './whiteouts.ts';

export type DevicePolicy = 'refuse' | 'dev-only' | 'allow';

export interface ApplyOptions {
  /** the native helper, resolved only when a layer needs it (most layers do not) */
  helperPath: () => string;
  /**
   * Device nodes in a layer: 'dev-only' (default) allows them under dev/ only,
   * where the runtime mounts a tmpfs anyway; elsewhere they would be a way in.
   */
  devicePolicy?: DevicePolicy;
  /** decompression-bomb bounds: uncompressed tar bytes and entry count */
  maxBytes?: number;
  maxEntries?: number;
  /** told each directory made opaque, so callers can record it without reading xattrs back */
  onOpaque?: (dir: string) => void;
}

export interface ApplyResult {
  /** sha256 of the uncompressed tar stream: the layer's diff_id */
  diffId: Digest;
  /** bytes of regular-file content written */
  size: number;
  entries: number;
}

export const DEFAULT_MAX_LAYER_BYTES = 64 * 2 ** 30;
export const DEFAULT_MAX_LAYER_ENTRIES = 2_000_000;

type Kind = 'dir' | 'file' | 'symlink' | 'node';
const IS_ROOT = process.geteuid?.() === 0;
/** what we create is already root-owned: no syscall for a root-owned entry */
const skipChown = (uid: number, gid: number) => IS_ROOT && uid === 0 && gid === 0;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Unpacks one layer tar stream (gzip, zstd or plain; sniffed) into `target`,
 * an empty directory private to the caller, converting OCI whiteouts to
 * overlay ones. The diff_id is hashed from the same bytes while they stream.
 *
 * Safety rests on one invariant: everything under `target` was created by
 * this function, so `kinds` knows every path. An entry whose parent is not a
 * directory we made (a symlink planted earlier, say) is refused, and nothing
 * is ever opened through a symlink. The caller unpacks into a temp dir and
 * renames it into place only on success.
 *
 * Every check is synchronous, against `kinds`; the file-system work it
 * decides runs in order on an FsQueue, beside the parsing and hashing.
 */
export async function applyLayer(
  target: string,
  input: AsyncIterable<Uint8Array>,
  options: ApplyOptions,
): Promise<ApplyResult> {
  const sink = createLayerSink(target, options);
  try {
    for await (const chunk of await decompressed(input)) await sink.push(chunk);
  } catch (err) {
    await sink.abort();
    throw asEngineError(err);
  }
  return sink.finish();
}

/** Push-style form of applyLayer for callers that already hold the bytes chunk by chunk. */
export interface LayerSink {
  /**
   * Uncompressed tar bytes, in order, kept until written (do not reuse them); throws on a refused
   * or malformed entry (then only abort() is valid). A promise: too much is queued, wait for it.
   */
  push(chunk: Buffer): Promise<void> | undefined;
  /** the input ended: checks it ended cleanly and runs the batched helper operations */
  finish(): Promise<ApplyResult>;
  /** stops the unpack; resolves once nothing more is written under the target */
  abort(): Promise<void>;
}

export function createLayerSink(target: string, options: ApplyOptions): LayerSink {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LAYER_BYTES;
  const unpacker = new Unpacker(target, options);
  const parser = new TarParser(unpacker);
  const hash = createHash('sha256');
  let streamed = 0;
  return {
    push(chunk) {
      streamed += chunk.byteLength;
      if (streamed > maxBytes)
        throw new EngineError('invalid', `layer exceeds ${maxBytes} uncompressed bytes`);
      try {
        unpacker.queue.check();
        hash.update(chunk);
        parser.push(chunk);
      } catch (err) {
        throw asEngineError(err);
      }
      return unpacker.queue.room();
    },
    async finish() {
      try {
        parser.end();
        await unpacker.finish();
      } catch (err) {
        await unpacker.abort();
        throw asEngineError(err);
      }
      return { diffId: `sha256:${hash.digest('hex')}`, size: unpacker.size, entries: unpacker.entries };
    },
    abort: () => unpacker.abort(),
  };
}

class Unpacker {
  size = 0;
  entries = 0;
  private readonly kinds = new Map<string, Kind>([['', 'dir']]);
  private readonly dirTimes: { rel: string; mtime: number }[] = [];
  private readonly nodeMeta: { rel: string; uid: number; gid: number; mtime: number }[] = [];
  private readonly ops: FsopsBatch;
  private readonly maxEntries: number;
  private readonly devicePolicy: DevicePolicy;
  readonly queue = new FsQueue();
  /** the regular file being written */
  private file: { file: QueuedFile; h: TarEntryHeader } | null = null;
  /** every file opened, so abort() can close what an unfinished entry left open */
  private readonly openFiles = new Set<QueuedFile>();

  constructor(
    private readonly target: string,
    private readonly options: ApplyOptions,
  ) {
    this.ops = new FsopsBatch(target, options.helperPath);
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_LAYER_ENTRIES;
    this.devicePolicy = options.devicePolicy ?? 'dev-only';
  }

  entry(h: TarEntryHeader): void {
    if (++this.entries > this.maxEntries)
      throw new EngineError('invalid', `layer has more than ${this.maxEntries} entries`);
    const rel = cleanEntryPath(h.name);
    const base = baseOf(rel);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      this.whiteout(rel, base);
      return;
    }
    const mode = h.mode & 0o7777;
    if (rel === '') {
      // the layer root itself ("./"): only its metadata applies
      if (h.type !== 'directory') throw this.forbid(h.name, 'the layer root must be a directory');
      this.owner(rel, h.uid, h.gid);
      const target = this.target;
      this.queue.run(() => chmod(target, mode));
      this.dirTimes.push({ rel, mtime: h.mtime });
      return;
    }
    this.ensureParents(rel);
    switch (h.type) {
      case 'file': {
        this.clear(rel);
        const file: QueuedFile = {};
        const path = this.abs(rel);
        this.queue.run(async () => {
          file.handle = await open(path, CREATE_FLAGS, 0o600);
          this.openFiles.add(file);
        });
        this.file = { file, h };
        this.kinds.set(rel, 'file');
        this.size += h.size;
        break;
      }
      case 'directory': {
        if (this.kinds.get(rel) !== 'dir') {
          this.clear(rel);
          const path = this.abs(rel);
          this.queue.run(() => mkdir(path, 0o700).then(() => {}));
          this.kinds.set(rel, 'dir');
        }
        this.owner(rel, h.uid, h.gid);
        const path = this.abs(rel);
        this.queue.run(() => chmod(path, mode));
        this.dirTimes.push({ rel, mtime: h.mtime });
        break;
      }
      case 'symlink': {
        if (h.linkname === '') throw this.forbid(rel, 'empty symlink target');
        // The target is stored as written: it is resolved inside the container's
        // root at run time. Host-side code never follows it: paths under the
        // layer are checked against `kinds`, never resolved.
        this.clear(rel);
        const path = this.abs(rel);
        const { linkname, mtime } = h;
        this.queue.run(() => symlink(linkname, path));
        this.owner(rel, h.uid, h.gid);
        this.queue.run(() => lutimes(path, mtime, mtime));
        this.kinds.set(rel, 'symlink');
        break;
      }
      case 'link': {
        const to = cleanEntryPath(h.linkname, 'hardlink target of');
        const kind = this.kinds.get(to);
        if (kind !== 'file' && kind !== 'symlink') {
          throw this.forbid(rel, `hardlink target ${to} is not a file earlier in this layer`);
        }
        if (to === rel) break;
        this.clear(rel);
        const [from, path] = [this.abs(to), this.abs(rel)];
        this.queue.run(() => link(from, path)); // link(2) does not follow a symlink target
        this.kinds.set(rel, kind);
        break;
      }
      case 'char':
      case 'block':
      case 'fifo': {
        if (h.type !== 'fifo') {
          const allowed =
            this.devicePolicy === 'allow' ||
            (this.devicePolicy === 'dev-only' && rel.startsWith('dev/')) ||
            (h.type === 'char' && h.devmajor === 0 && h.devminor === 0); // an overlay-style whiteout
          if (!allowed) throw this.forbid(rel, `device node not allowed (policy ${this.devicePolicy})`);
        }
        this.clear(rel);
        this.ops.mknod(
          rel,
          h.type === 'fifo' ? 'p' : h.type === 'block' ? 'b' : 'c',
          h.devmajor,
          h.devminor,
          mode,
        );
        this.nodeMeta.push({ rel, uid: h.uid, gid: h.gid, mtime: h.mtime });
        this.kinds.set(rel, 'node');
        break;
      }
    }
    if (h.xattrs) this.queueXattrs(rel, h.xattrs);
  }

  data(chunk: Buffer): void {
    if (this.file) this.queue.write(this.file.file, chunk);
  }

  entryEnd(): void {
    const f = this.file;
    if (!f) return;
    this.file = null;
    const { uid, gid, mode, mtime } = f.h;
    this.queue.run(async () => {
      const handle = f.file.handle;
      if (!handle) return;
      try {
        if (!skipChown(uid, gid)) await handle.chown(uid, gid);
        await handle.chmod(mode & 0o7777); // after chown, which clears set-id bits
        await handle.utimes(mtime, mtime);
      } finally {
        this.openFiles.delete(f.file);
        await handle.close();
      }
    });
  }

  async abort(): Promise<void> {
    this.file = null;
    await this.queue.stop();
    for (const f of this.openFiles) await f.handle?.close().catch(() => {});
    this.openFiles.clear();
  }

  async finish(): Promise<void> {
    await this.queue.drained();
    await this.ops.run();
    for (const n of this.nodeMeta) {
      if (!skipChown(n.uid, n.gid)) lchownSync(this.abs(n.rel), n.uid, n.gid);
      lutimesSync(this.abs(n.rel), n.mtime, n.mtime);
    }
    // Children change their directory's mtime, so directories come last, deepest first.
    this.dirTimes.sort((a, b) => depthOf(b.rel) - depthOf(a.rel));
    for (const d of this.dirTimes)
      if (this.kinds.get(d.rel) === 'dir') lutimesSync(this.abs(d.rel), d.mtime, d.mtime);
  }

  private whiteout(rel: string, base: string): void {
    this.ensureParents(rel);
    const dir = parentOf(rel);
    if (base === OPAQUE_MARKER) {
      this.ops.opaque(dir);
      this.options.onOpaque?.(dir);
      return;
    }
    if (base.startsWith(AUFS_META_PREFIX)) return; // AUFS bookkeeping, not content
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (name === '' || name === '.' || name === '..') throw this.forbid(rel, 'bad whiteout name');
    const hidden = dir === '' ? name : `${dir}/${name}`;
    this.clear(hidden);
    this.ops.whiteout(hidden);
    this.kinds.set(hidden, 'node');
  }

  private abs(rel: string): string {
    return rel === '' ? this.target : join(this.target, rel);
  }

  private forbid(rel: string, why: string): EngineError {
    return new EngineError('forbidden', `layer entry ${JSON.stringify(rel)}: ${why}`);
  }

  // Creates missing parents as plain directories; refuses to pass through anything else.
  private ensureParents(rel: string): void {
    let i = rel.indexOf('/');
    while (i >= 0) {
      const dir = rel.slice(0, i);
      const kind = this.kinds.get(dir);
      if (kind === undefined) {
        const path = this.abs(dir);
        this.queue.run(() => mkdir(path, 0o755).then(() => {}));
        this.kinds.set(dir, 'dir');
      } else if (kind !== 'dir') {
        throw this.forbid(rel, `its parent ${dir} is a ${kind === 'symlink' ? 'symlink' : 'non-directory'}`);
      }
      i = rel.indexOf('/', i + 1);
    }
  }

  // A later entry for the same path replaces the earlier one, as tar does.
  private clear(rel: string): void {
    const kind = this.kinds.get(rel);
    if (kind === undefined) return;
    if (kind === 'node') {
      // queued for the helper, not created yet: a layer naming it twice is malformed
      throw new EngineError(
        'invalid',
        `layer entry ${JSON.stringify(rel)} replaces a device node or whiteout`,
      );
    }
    if (kind === 'dir') {
      const path = this.abs(rel);
      this.queue.run(() => rm(path, { recursive: true }));
      const prefix = `${rel}/`;
      for (const key of this.kinds.keys()) if (key.startsWith(prefix)) this.kinds.delete(key);
    } else {
      const path = this.abs(rel);
      this.queue.run(() => unlink(path));
    }
    this.kinds.delete(rel);
  }

  private owner(rel: string, uid: number, gid: number): void {
    if (skipChown(uid, gid)) return;
    const path = this.abs(rel);
    this.queue.run(() => lchown(path, uid, gid));
  }

  /**
   * PAX SCHILY.xattr.* records. Only user.* and security.capability are
   * applied: trusted.* would let a layer forge overlayfs metadata, and
   * security.selinux labels belong to the host. Applied after chown (which
   * drops file capabilities) by the helper at the end of the layer.
   */
  private queueXattrs(rel: string, xattrs: Map<string, Buffer>): void {
    for (const [name, value] of xattrs) {
      if (name.startsWith('user.') || name === 'security.capability') this.ops.setxattr(rel, name, value);
    }
  }
}

/** Maps file-system and zlib errors caused by bad input to EngineError('invalid'). */
export function asEngineError(err: unknown): unknown {
  if (err instanceof EngineError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT' || e?.code === 'EEXIST' || e?.code === 'ENOTDIR' || e?.code === 'Z_DATA_ERROR') {
    return new EngineError('invalid', `malformed layer: ${e.message}`, { cause: err });
  }
  return err;
}

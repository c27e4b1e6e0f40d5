import type { FileHandle } from 'node:fs/promises';

/** A file the queue opens, writes and closes; `handle` is set once its open has run. */
export interface QueuedFile {
  handle?: FileHandle;
}

type Op =
  | { kind: 'run'; fn: () => Promise<void> }
  | { kind: 'write'; file: QueuedFile; chunks: Buffer[]; bytes: number };

/** writes to one file are merged up to this size, so a layer's data costs a few calls per MiB */
const WRITE_BATCH_BYTES = 1024 * 1024;

/**
 * File-system work of an unpack, run in order on libuv's pool while the
 * caller goes on parsing and hashing, so a large layer (or a disk that is
 * slow to create files: 0.5 ms per file was measured in one directory of
 * this project's VMs) never blocks the agent's event loop, its API and its
 * link heartbeats. Every check is made by the caller before it queues an
 * op; the queue only replays them. The first failure stops it and is
 * reported by `check()` and `drained()`.
 *
 * Buffers given to `write` are kept until written: callers must not reuse them.
 */
export class FsQueue {
  private readonly ops: Op[] = [];
  private queuedBytes = 0;
  private running: Promise<void> | undefined;
  private failure: unknown;
  private stopped = false;
  private spaceWaiters: (() => void)[] = [];

  constructor(private readonly limitBytes = 16 * 1024 * 1024) {}

  run(fn: () => Promise<void>): void {
    this.ops.push({ kind: 'run', fn });
    this.pump();
  }

  write(file: QueuedFile, chunk: Buffer): void {
    if (chunk.byteLength === 0) return;
    const last = this.ops[this.ops.length - 1];
    if (last?.kind === 'write' && last.file === file && last.bytes < WRITE_BATCH_BYTES) {
      last.chunks.push(chunk);
      last.bytes += chunk.byteLength;
    } else {
      this.ops.push({ kind: 'write', file, chunks: [chunk], bytes: chunk.byteLength });
    }
    this.queuedBytes += chunk.byteLength;
    this.pump();
  }

  /** throws the first failure of a queued op */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** undefined while there is room; otherwise resolves once the queued bytes fall under the limit */
  room(): Promise<void> | undefined {
    if (this.queuedBytes <= this.limitBytes || this.failure !== undefined) return undefined;
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** every queued op done; rejects with the first failure */
  async drained(): Promise<void> {
    while (this.running) await this.running;
    this.check();
  }

  /** runs nothing more; resolves once the op in progress has ended */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ops.length = 0;
    this.release();
    while (this.running) await this.running.catch(() => {});
  }

  private pump(): void {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    for (let op = this.ops.shift(); op && !this.stopped; op = this.ops.shift()) {
      try {
        if (op.kind === 'run') await op.fn();
        else await writeAll(op.file, op.chunks);
      } catch (err) {
        this.failure ??= err;
        this.stopped = true;
        this.ops.length = 0;
      }
      if (op.kind === 'write') this.queuedBytes -= op.bytes;
      if (this.queuedBytes <= this.limitBytes || this.stopped) this.release();
    }
  }

  private release(): void {
    for (const wake of this.spaceWaiters.splice(0)) wake();
  }
}

async function writeAll(file: QueuedFile, chunks: Buffer[]): Promise<void> {
  if (!file.handle) throw new Error('write to a file that was not opened');
  let pending = chunks;
  while (pending.length > 0) {
    let { bytesWritten } = await file.handle.writev(pending);
    // a short write (rare on regular files): continue where it stopped
    const rest: Buffer[] = [];
    for (const c of pending) {
      if (bytesWritten >= c.byteLength) bytesWritten -= c.byteLength;
      else {
        rest.push(c.subarray(bytesWritten));
        bytesWritten = 0;
      }
    }
    pending = rest;
  }
}

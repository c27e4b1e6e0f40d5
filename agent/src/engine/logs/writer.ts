import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { livePath, rotatedPath } from './files.ts';
import { encodeRecord, formatTimeNs, type LogStream, nowNs } from './format.ts';

export interface LogWriterOptions {
  /** rotate before the live file would pass this many bytes; absent: never */
  maxSizeBytes?: number;
  /** files kept, the live one included (Docker's max-file); default 1 */
  maxFiles?: number;
}

/**
 * Writes the json-file format described in format.ts. The C monitor is the
 * production writer; this one feeds tests and tools, and pins the format.
 */
export class JsonLogWriter {
  private fh: FileHandle | undefined;
  private size = 0;

  private constructor(
    private readonly dir: string,
    private readonly id: string,
    private readonly opts: LogWriterOptions,
  ) {}

  static async open(dir: string, id: string, opts: LogWriterOptions = {}): Promise<JsonLogWriter> {
    await mkdir(dir, { recursive: true });
    const w = new JsonLogWriter(dir, id, opts);
    await w.openLive();
    return w;
  }

  private async openLive(): Promise<void> {
    this.fh = await open(livePath(this.dir, this.id), 'a');
    this.size = (await this.fh.stat()).size;
  }

  /** One record per line of `text`; a trailing piece without `\n` is a record of its own. */
  async write(stream: LogStream, text: string, timeNs: bigint = nowNs()): Promise<void> {
    const time = formatTimeNs(timeNs);
    for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
      await this.append(encodeRecord({ stream, time, line }));
    }
  }

  private async append(record: string): Promise<void> {
    const bytes = Buffer.from(record);
    const max = this.opts.maxSizeBytes;
    if (max !== undefined && this.size > 0 && this.size + bytes.length > max) await this.rotate();
    if (this.fh === undefined) throw new Error('log writer is closed');
    await this.fh.write(bytes);
    this.size += bytes.length;
  }

  private async rotate(): Promise<void> {
    const keep = Math.max(1, this.opts.maxFiles ?? 1);
    await this.fh?.close();
    this.fh = undefined;
    if (keep === 1) {
      this.fh = await open(livePath(this.dir, this.id), 'w');
      this.size = 0;
      return;
    }
    await rm(rotatedPath(this.dir, this.id, keep - 1), { force: true });
    for (let n = keep - 2; n >= 1; n--) {
      await rename(rotatedPath(this.dir, this.id, n), rotatedPath(this.dir, this.id, n + 1)).catch((err) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      });
    }
    await rename(livePath(this.dir, this.id), rotatedPath(this.dir, this.id, 1));
    await this.openLive();
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }
}

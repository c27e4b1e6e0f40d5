import type { FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;
const NL = 0x0a;

/**
 * Complete lines from an open file, from a byte offset on. A line still being
 * written (no `\n` yet) stays unread until its end arrives, so a follower
 * picks it up whole on the next call.
 */
export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly fh: FileHandle,
    /** offset of the first byte not yet returned as part of a line */
    public pos = 0,
  ) {}

  /** every complete line available now (without the `\n`) */
  async *lines(): AsyncGenerator<string> {
    const buf = Buffer.allocUnsafe(CHUNK);
    let readAt = this.pos + this.pendingBytes;
    for (;;) {
      const { bytesRead } = await this.fh.read(buf, 0, CHUNK, readAt);
      if (bytesRead === 0) return;
      readAt += bytesRead;
      let start = 0;
      for (let i = buf.indexOf(NL, 0); i !== -1 && i < bytesRead; i = buf.indexOf(NL, start)) {
        const piece = buf.subarray(start, i);
        const line =
          this.pendingBytes === 0
            ? piece.toString('utf8')
            : Buffer.concat([...this.pending, piece]).toString('utf8');
        this.pos += this.pendingBytes + piece.length + 1;
        this.pending = [];
        this.pendingBytes = 0;
        start = i + 1;
        yield line;
      }
      if (start < bytesRead) {
        this.pending.push(Buffer.from(buf.subarray(start, bytesRead)));
        this.pendingBytes += bytesRead - start;
      }
    }
  }

  /** The file shrank under us (truncating rotation): start again from its beginning. */
  async checkTruncated(): Promise<boolean> {
    const { size } = await this.fh.stat();
    if (size >= this.pos + this.pendingBytes) return false;
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
    return true;
  }
}

/**
 * Complete lines of a file read backwards from `end`, newest first; the tail
 * of a large log costs as much as the lines asked for, not the whole file.
 */
export async function* linesBackward(fh: FileHandle, end: number): AsyncGenerator<string> {
  let pos = end;
  let carry: Buffer = Buffer.alloc(0);
  let sawNewline = false;
  while (pos > 0) {
    const size = Math.min(CHUNK, pos);
    pos -= size;
    const chunk = Buffer.allocUnsafe(size);
    await fh.read(chunk, 0, size, pos);
    let buf = carry.length === 0 ? chunk : Buffer.concat([chunk, carry]);
    let i = buf.lastIndexOf(NL);
    while (i !== -1) {
      const line = buf.subarray(i + 1);
      // bytes after the file's last `\n` are a line still being written
      if (sawNewline && line.length > 0) yield line.toString('utf8');
      else if (sawNewline) yield '';
      sawNewline = true;
      buf = buf.subarray(0, i);
      i = buf.lastIndexOf(NL);
    }
    carry = Buffer.from(buf);
  }
  if (sawNewline && carry.length > 0) yield carry.toString('utf8');
}

/** Offset just past the last `\n` at or before `end` (where a follower resumes after a tail). */
export async function lastLineEnd(fh: FileHandle, end: number): Promise<number> {
  let pos = end;
  const buf = Buffer.allocUnsafe(CHUNK);
  while (pos > 0) {
    const size = Math.min(CHUNK, pos);
    pos -= size;
    await fh.read(buf, 0, size, pos);
    const i = buf.subarray(0, size).lastIndexOf(NL);
    if (i !== -1) return pos + i + 1;
  }
  return 0;
}

import { EngineError } from '../errors.ts';

/**
 * A synchronous, push-style tar reader (ustar, PAX local/global headers, GNU
 * long names). It does no I/O and allocates little per entry, so an unpack
 * costs about what its file-system calls cost; tar-stream's per-entry stream
 * and promise machinery was most of the time of a busybox layer.
 */
export type TarEntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarEntryHeader {
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** seconds since the epoch (PAX may give fractions) */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** SCHILY.xattr.* records, raw bytes */
  xattrs: Map<string, Buffer> | null;
}

export interface TarSink {
  entry(header: TarEntryHeader): void;
  /** content of the current regular-file entry, in order */
  data(chunk: Buffer): void;
  entryEnd(): void;
}

const BLOCK = 512;
const MAX_META = 1 << 20;
const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'link',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
};

type State = 'header' | 'data' | 'skip' | 'meta' | 'done';

export class TarParser {
  private state: State = 'header';
  private pending: Buffer | null = null;
  private remaining = 0;
  private padding = 0;
  private metaType = '';
  private metaParts: Buffer[] = [];
  private longName: string | null = null;
  private longLink: string | null = null;
  private pax: Map<string, Buffer> | null = null;
  private globalPax: Map<string, Buffer> | null = null;

  constructor(private readonly sink: TarSink) {}

  push(chunk: Buffer): void {
    let off = 0;
    if (this.pending) {
      chunk = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    while (off < chunk.length) {
      switch (this.state) {
        case 'done':
          return;
        case 'header': {
          if (chunk.length - off < BLOCK) {
            this.pending = Buffer.from(chunk.subarray(off));
            return;
          }
          this.header(chunk.subarray(off, off + BLOCK));
          off += BLOCK;
          break;
        }
        case 'data':
        case 'skip':
        case 'meta': {
          if (this.remaining > 0) {
            const n = Math.min(this.remaining, chunk.length - off);
            const part = chunk.subarray(off, off + n);
            if (this.state === 'data') this.sink.data(part);
            else if (this.state === 'meta') this.metaParts.push(Buffer.from(part));
            this.remaining -= n;
            off += n;
            if (this.remaining > 0) break;
          }
          const pad = Math.min(this.padding, chunk.length - off);
          this.padding -= pad;
          off += pad;
          if (this.padding === 0) this.finishBody();
          break;
        }
      }
    }
  }

  /** The input ended: it must end on an entry boundary. */
  end(): void {
    if (this.state === 'done') return;
    if (this.state !== 'header' || this.pending !== null) throw bad('truncated tar stream');
  }

  private header(block: Buffer): void {
    if (isZero(block)) {
      this.state = 'done'; // end-of-archive marker; whatever follows is padding
      return;
    }
    const stored = num(block, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
    if (stored !== sum) throw bad('tar header checksum mismatch');
    const flag = String.fromCharCode(block[156] as number);
    const size = num(block, 124, 12);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_META) throw bad(`tar metadata entry of ${size} bytes`);
      this.metaType = flag;
      this.metaParts = [];
      this.startBody('meta', size, padding);
      return;
    }
    const type = TYPES[flag];
    if (type === undefined) throw bad(`unsupported tar entry type ${JSON.stringify(flag)}`);
    const ustar = block.toString('latin1', 257, 262) === 'ustar';
    let name = str(block, 0, 100);
    if (ustar) {
      const prefix = str(block, 345, 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    const pax = this.mergedPax();
    const h: TarEntryHeader = {
      name: this.longName ?? paxString(pax, 'path') ?? name,
      type,
      mode: num(block, 100, 8),
      uid: paxNumber(pax, 'uid') ?? num(block, 108, 8),
      gid: paxNumber(pax, 'gid') ?? num(block, 116, 8),
      size: paxNumber(pax, 'size') ?? size,
      mtime: paxNumber(pax, 'mtime') ?? num(block, 136, 12),
      linkname: this.longLink ?? paxString(pax, 'linkpath') ?? str(block, 157, 100),
      devmajor: ustar ? num(block, 329, 8) : 0,
      devminor: ustar ? num(block, 337, 8) : 0,
      xattrs: xattrsOf(pax),
    };
    this.longName = null;
    this.longLink = null;
    this.pax = null;
    this.sink.entry(h);
    const bodySize = h.size;
    const bodyPadding = (BLOCK - (bodySize % BLOCK)) % BLOCK;
    // only regular files carry content; a hardlink's size (some writers set it) is skipped
    this.startBody(
      type === 'file' ? 'data' : 'skip',
      type === 'file' || type === 'link' ? bodySize : 0,
      type === 'file' || type === 'link' ? bodyPadding : 0,
    );
  }

  private startBody(state: State, size: number, padding: number): void {
    this.state = state;
    this.remaining = size;
    this.padding = padding;
    if (size === 0 && padding === 0) this.finishBody();
  }

  private finishBody(): void {
    const state = this.state;
    this.state = 'header';
    if (state === 'data' || state === 'skip') {
      this.sink.entryEnd();
      return;
    }
    const body = Buffer.concat(this.metaParts);
    this.metaParts = [];
    if (this.metaType === 'L') this.longName = str(body, 0, body.length);
    else if (this.metaType === 'K') this.longLink = str(body, 0, body.length);
    else if (this.metaType === 'x') this.pax = parsePax(body);
    else this.globalPax = new Map([...(this.globalPax ?? []), ...parsePax(body)]);
  }

  private mergedPax(): Map<string, Buffer> | null {
    if (!this.globalPax) return this.pax;
    if (!this.pax) return this.globalPax;
    return new Map([...this.globalPax, ...this.pax]);
  }
}

function bad(message: string): EngineError {
  return new EngineError('invalid', `malformed layer: ${message}`);
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function str(b: Buffer, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return b.toString('utf8', off, end);
}

/** octal text, or GNU base-256 when the high bit of the first byte is set */
function num(b: Buffer, off: number, len: number): number {
  const first = b[off] as number;
  if (first & 0x80) {
    let v = first & 0x3f;
    for (let i = 1; i < len; i++) v = v * 256 + (b[off + i] as number);
    if (first & 0x40) throw bad('negative number in tar header');
    return v;
  }
  const end = off + len;
  let i = off;
  while (i < end && b[i] === 0x20) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = b[i] as number;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw bad('bad number in tar header');
    v = v * 8 + (c - 0x30);
  }
  return v;
}

function parsePax(body: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < body.length) {
    const space = body.indexOf(0x20, off);
    if (space < 0) throw bad('bad PAX record');
    const len = Number.parseInt(body.toString('latin1', off, space), 10);
    if (!Number.isFinite(len) || len <= 0 || off + len > body.length) throw bad('bad PAX record length');
    const rec = body.subarray(space + 1, off + len - 1); // without the trailing newline
    const eq = rec.indexOf(0x3d);
    if (eq < 0) throw bad('bad PAX record');
    out.set(rec.toString('utf8', 0, eq), Buffer.from(rec.subarray(eq + 1)));
    off += len;
  }
  return out;
}

function paxString(pax: Map<string, Buffer> | null, key: string): string | undefined {
  return pax?.get(key)?.toString('utf8');
}

function paxNumber(pax: Map<string, Buffer> | null, key: string): number | undefined {
  const s = paxString(pax, key);
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v) || v < 0) throw bad(`bad PAX ${key}`);
  return v;
}

function xattrsOf(pax: Map<string, Buffer> | null): Map<string, Buffer> | null {
  if (!pax) return null;
  let out: Map<string, Buffer> | null = null;
  for (const [k, v] of pax) {
    if (!k.startsWith('SCHILY.xattr.')) continue;
    out ??= new Map();
    out.set(k.slice('SCHILY.xattr.'.length), v);
  }
  return out;
}

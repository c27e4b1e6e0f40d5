/**
 * A minimal ustar/PAX tar encoder. Writing tar as plain Buffers lets every
 * producer (save, export, commit) be an async generator, so a slow reader
 * throttles the producer with no stream plumbing in between.
 */
export type TarType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarHeader {
  name: string;
  type: TarType;
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  /** seconds since the epoch */
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** extra PAX records (e.g. SCHILY.xattr.*) */
  pax?: Record<string, string>;
}

const TYPEFLAG: Record<TarType, string> = {
  file: '0',
  link: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

export const TAR_END = Buffer.alloc(1024);

export function tarPadding(size: number): Buffer {
  const rest = size % 512;
  return rest === 0 ? EMPTY : Buffer.alloc(512 - rest);
}
const EMPTY = Buffer.alloc(0);

/** The header blocks (a PAX header first when a field does not fit ustar) for one entry. */
export function encodeTarHeader(h: TarHeader): Buffer {
  const pax: Record<string, string> = { ...h.pax };
  const size = h.type === 'file' ? (h.size ?? 0) : 0;
  if (!fitsUstarString(h.name, 100)) pax.path = h.name;
  if (h.linkname !== undefined && !fitsUstarString(h.linkname, 100)) pax.linkpath = h.linkname;
  if (size > 0o77777777777) pax.size = String(size);
  if ((h.uid ?? 0) > 0o7777777) pax.uid = String(h.uid);
  if ((h.gid ?? 0) > 0o7777777) pax.gid = String(h.gid);
  const main = ustar(h, size);
  if (Object.keys(pax).length === 0) return main;
  const body = encodePax(pax);
  const paxHeader = ustar(
    { name: `PaxHeaders/${h.name}`.slice(0, 99), type: 'file', mode: 0o644, mtime: h.mtime },
    body.length,
    'x',
  );
  return Buffer.concat([paxHeader, body, tarPadding(body.length), main]);
}

function ustar(h: TarHeader, size: number, typeflag = TYPEFLAG[h.type]): Buffer {
  const b = Buffer.alloc(512);
  b.write(asciiOrEmpty(h.name, 100), 0, 100, 'utf8');
  octal(b, 100, 8, (h.mode ?? 0o644) & 0o7777);
  octal(b, 108, 8, Math.min(h.uid ?? 0, 0o7777777));
  octal(b, 116, 8, Math.min(h.gid ?? 0, 0o7777777));
  octal(b, 124, 12, Math.min(size, 0o77777777777));
  octal(b, 136, 12, Math.max(0, Math.floor(h.mtime ?? 0)));
  b.write(typeflag, 156, 1, 'latin1');
  if (h.linkname !== undefined) b.write(asciiOrEmpty(h.linkname, 100), 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'latin1');
  octal(b, 329, 8, h.devmajor ?? 0);
  octal(b, 337, 8, h.devminor ?? 0);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[i] ?? 0;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return b;
}

function octal(b: Buffer, off: number, len: number, value: number): void {
  b.write(`${value.toString(8).padStart(len - 1, '0')}\u0000`, off, len, 'latin1');
}

function fitsUstarString(s: string, max: number): boolean {
  return s.length <= max && /^[\x20-\x7e]*$/.test(s);
}

function asciiOrEmpty(s: string, max: number): string {
  return fitsUstarString(s, max) ? s : s.replace(/[^\x20-\x7e]/g, '_').slice(0, max);
}

function encodePax(records: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    const bodyLen = Buffer.byteLength(body);
    // the length prefix counts its own digits
    let len = bodyLen + String(bodyLen).length;
    if (String(len).length !== String(bodyLen).length) len = bodyLen + String(len).length;
    parts.push(Buffer.from(`${len}${body}`));
  }
  return Buffer.concat(parts);
}

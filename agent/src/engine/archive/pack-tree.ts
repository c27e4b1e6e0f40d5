import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { baseOf, parentOf } from './tar-path.ts';
import { encodeTarHeader, TAR_END, tarPadding } from './tar-writer.ts';
import { OPAQUE_MARKER, WHITEOUT_PREFIX } from './whiteouts.ts';

export interface TreeEntry {
  /** path inside the tree, '' never (the root is not emitted) */
  rel: string;
  abs: string;
  st: Stats;
  /** directory is overlay-opaque in its source */
  opaque?: boolean;
}

export interface PackOptions {
  /** emit overlay whiteouts (char 0:0) as OCI `.wh.` files and opaque dirs as `.wh..wh..opq` (for layers) */
  ociWhiteouts: boolean;
}

const CHUNK = 1 << 20;

export function isOverlayWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

/** Every entry under root (not root itself), parents first, names sorted so equal trees give equal tars. */
export function* walkDir(
  root: string,
  opaque: ReadonlySet<string> = new Set(),
  rel = '',
): Generator<TreeEntry> {
  const dir = rel === '' ? root : join(root, rel);
  for (const name of readdirSync(dir).sort()) {
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const abs = join(dir, name);
    const st = lstatSync(abs);
    yield { rel: childRel, abs, st, opaque: opaque.has(childRel) };
    if (st.isDirectory()) yield* walkDir(root, opaque, childRel);
  }
}

/**
 * Tar bytes for a sequence of tree entries. Files are read with the size
 * lstat saw: a file growing or shrinking underneath (a running container)
 * is cut or zero-padded so the archive stays well-formed.
 */
export async function* packTree(entries: Iterable<TreeEntry>, options: PackOptions): AsyncGenerator<Buffer> {
  const links = new Map<string, string>();
  for (const { rel, abs, st, opaque } of entries) {
    const base = {
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      mtime: Math.floor(st.mtimeMs / 1000),
    };
    if (options.ociWhiteouts && isOverlayWhiteout(st)) {
      const parent = parentOf(rel);
      const name = `${parent === '' ? '' : `${parent}/`}${WHITEOUT_PREFIX}${baseOf(rel)}`;
      yield encodeTarHeader({ ...base, name, type: 'file', mode: 0o644, size: 0 });
      continue;
    }
    if (st.isDirectory()) {
      yield encodeTarHeader({ ...base, name: `${rel}/`, type: 'directory' });
      if (options.ociWhiteouts && opaque) {
        yield encodeTarHeader({
          ...base,
          name: `${rel}/${OPAQUE_MARKER}`,
          type: 'file',
          mode: 0o644,
          size: 0,
        });
      }
    } else if (st.isFile()) {
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        const first = links.get(key);
        if (first !== undefined) {
          yield encodeTarHeader({ ...base, name: rel, type: 'link', linkname: first });
          continue;
        }
        links.set(key, rel);
      }
      yield encodeTarHeader({ ...base, name: rel, type: 'file', size: st.size });
      yield* fileBytes(abs, st.size);
      yield tarPadding(st.size);
    } else if (st.isSymbolicLink()) {
      yield encodeTarHeader({ ...base, name: rel, type: 'symlink', linkname: readlinkSync(abs) });
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      yield encodeTarHeader({
        ...base,
        name: rel,
        type: st.isCharacterDevice() ? 'char' : 'block',
        devmajor: Math.floor(st.rdev / 256) & 0xfff,
        devminor: (st.rdev & 0xff) | ((Math.floor(st.rdev / 4096) & 0xfff00) >>> 0),
      });
    } else if (st.isFIFO()) {
      yield encodeTarHeader({ ...base, name: rel, type: 'fifo' });
    }
    // sockets are not archived (tar and Docker skip them too)
  }
  yield TAR_END;
}

function* fileBytes(abs: string, size: number): Generator<Buffer> {
  // O_NOFOLLOW: a running container may swap the file for a symlink to a host path
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) {
        yield Buffer.alloc(left);
        return;
      }
      yield n === buf.length ? buf : buf.subarray(0, n);
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

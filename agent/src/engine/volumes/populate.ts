import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import {
  chmod,
  copyFile,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  opendir,
  readdir,
  readlink,
  rename,
  rm,
  symlink,
  utimes,
} from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';
import type { VolumeStore } from './store.ts';

export interface PopulateResult {
  /** false when the volume already had content (Docker copies only into an empty one) */
  copied: boolean;
  /** entries the copy could not reproduce (device nodes, sockets, fifos), by path inside the volume */
  skipped: string[];
}

async function isEmptyDir(dir: string): Promise<boolean> {
  const d = await opendir(dir);
  try {
    return (await d.read()) === null;
  } finally {
    await d.close().catch(() => undefined);
  }
}

/**
 * Copies what an image has at a mount path into a new, empty volume, as
 * Docker does when a container first mounts the volume there: modes,
 * ownership, times, symlinks as links, hard links as links; the volume's root
 * takes the mode and owner of the image's directory.
 *
 * The copy goes to a scratch directory beside `_data`; only then are its
 * top-level entries renamed into `_data`, so a crash during the (long) copy
 * never leaves a half-filled volume that would count as "not empty" and never
 * be filled. `_data` itself stays the same directory: a container may already
 * have it bind-mounted (the copy runs between its mounts and its command).
 */
export async function populateFromImage(
  store: VolumeStore,
  volume: string,
  sourceDir: string,
): Promise<PopulateResult> {
  await store.inspect(volume);
  const data = store.mountpoint(volume);
  if (!(await isEmptyDir(data))) return { copied: false, skipped: [] };
  const src = await lstat(sourceDir).catch(() => undefined);
  if (src === undefined) return { copied: false, skipped: [] };
  if (!src.isDirectory()) {
    throw new EngineError(
      'invalid',
      `cannot populate volume ${volume}: ${sourceDir} is not a directory in the image`,
    );
  }
  const scratch = join(store.dir(volume), `.populate-${randomBytes(6).toString('hex')}`);
  const skipped: string[] = [];
  try {
    await mkdir(scratch);
    await copyTree(sourceDir, scratch, '', new Map(), skipped);
    // filled meanwhile (another container mounted it first): theirs stands
    if (!(await isEmptyDir(data))) return { copied: false, skipped: [] };
    for (const name of await readdir(scratch)) await rename(join(scratch, name), join(data, name));
    await applyMeta(data, src);
    return { copied: true, skipped };
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError(
      'internal',
      `populating volume ${volume} from ${sourceDir}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** chown before chmod: chown clears set-id bits the mode must keep. */
async function applyMeta(path: string, st: Stats): Promise<void> {
  await lchown(path, st.uid, st.gid);
  await chmod(path, st.mode & 0o7777);
  // seconds as numbers keep sub-millisecond precision that Date would drop
  await utimes(path, st.atimeMs / 1000, st.mtimeMs / 1000);
}

async function copyTree(
  from: string,
  to: string,
  rel: string,
  links: Map<string, string>,
  skipped: string[],
): Promise<void> {
  for (const name of await readdir(from)) {
    const s = join(from, name);
    const d = join(to, name);
    const r = join(rel, name);
    const st = await lstat(s);
    if (st.isDirectory()) {
      await mkdir(d);
      await copyTree(s, d, r, links, skipped);
      await applyMeta(d, st);
    } else if (st.isSymbolicLink()) {
      await symlink(await readlink(s), d);
      await lchown(d, st.uid, st.gid);
      await lutimes(d, st.atimeMs / 1000, st.mtimeMs / 1000);
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) {
        await link(first, d);
        continue;
      }
      await copyFile(s, d, constants.COPYFILE_FICLONE);
      await applyMeta(d, st);
      if (st.nlink > 1) links.set(key, d);
    } else {
      // Node cannot mknod; the runtime's /dev is where devices come from anyway.
      skipped.push(r);
    }
  }
}

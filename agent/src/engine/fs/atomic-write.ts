import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes a file so that readers (and a restart after a crash at any point)
 * see either the old content or the new, never half of it: write a temporary
 * file beside it, fsync, rename over. `sync: false` skips the fsync where a
 * file replaces an older one: ext4 and xfs flush the data of a file renamed
 * over another before the rename (auto_da_alloc), so a crash still leaves one
 * or the other; a new file keeps the fsync.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number; sync?: boolean } = {},
): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  const handle = await open(tmp, 'w', options.mode ?? 0o600);
  try {
    await handle.writeFile(data);
    if (options.sync ?? true) await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

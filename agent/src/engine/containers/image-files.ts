import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Reads a file of a container's filesystem before it is mounted (user
 * resolution needs /etc/passwd before start): the first layer, top down,
 * that has the path wins; an overlay whiteout (a 0:0 character device) hides
 * it. Opaque directories are not consulted: a file both hidden by an opaque
 * directory above and present below is read from below.
 */
export async function readContainerFile(layerDirs: string[], path: string): Promise<string | undefined> {
  for (const dir of layerDirs) {
    const full = join(dir, path);
    let stat: Awaited<ReturnType<typeof lstat>>;
    try {
      stat = await lstat(full);
    } catch {
      continue;
    }
    if (stat.isCharacterDevice() && stat.rdev === 0) return undefined;
    if (!stat.isFile()) return undefined;
    return readFile(full, 'utf8');
  }
  return undefined;
}

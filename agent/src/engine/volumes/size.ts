import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes a directory tree holds, counting a hard-linked file once (what
 * `docker system df` shows as a volume's size).
 */
export async function treeSize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    let entries: string[];
    try {
      entries = await readdir(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of entries) {
      const p = join(path, name);
      const st = await lstat(p).catch(() => undefined);
      if (st === undefined) continue;
      if (st.isDirectory()) {
        await walk(p);
      } else if (st.isFile()) {
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        total += st.size;
      }
    }
  };
  await walk(dir);
  return total;
}

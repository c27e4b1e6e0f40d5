import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of file content under dir, each hardlinked inode counted once (what `docker system df` reports). */
export function treeSize(dir: string, seen = new Set<string>()): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const abs = join(dir, name);
    const st = lstatSync(abs);
    if (st.isDirectory()) total += treeSize(abs, seen);
    else if (st.isFile()) {
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    } else if (st.isSymbolicLink()) total += st.size;
  }
  return total;
}

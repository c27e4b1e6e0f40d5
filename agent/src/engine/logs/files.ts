import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export function livePath(dir: string, id: string): string {
  return join(dir, `${id}-json.log`);
}

export function rotatedPath(dir: string, id: string, n: number): string {
  return `${livePath(dir, id)}.${n}`;
}

/** The log files of a container, oldest first: `.N` … `.1`, then the live file. */
export async function logFiles(dir: string, id: string): Promise<string[]> {
  const base = `${id}-json.log`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const rotated: number[] = [];
  let live = false;
  for (const name of names) {
    if (name === base) live = true;
    else if (name.startsWith(`${base}.`)) {
      const n = name.slice(base.length + 1);
      if (/^[1-9]\d*$/.test(n)) rotated.push(Number(n));
    }
  }
  rotated.sort((a, b) => b - a);
  return [...rotated.map((n) => rotatedPath(dir, id, n)), ...(live ? [livePath(dir, id)] : [])];
}

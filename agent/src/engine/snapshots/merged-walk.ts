import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isOverlayWhiteout, type TreeEntry } from '../archive/pack-tree.ts';

export interface OverlaySource {
  dir: string;
  /** directories (relative) that are opaque in this source */
  opaque: ReadonlySet<string>;
}

interface Seen {
  entry: TreeEntry;
  /** sources whose same-named directory merges into this one; null for non-directories */
  dirSources: number[] | null;
  /** a whiteout or non-directory further down ends the merge for this name */
  closed: boolean;
}

/**
 * What overlayfs would show for `sources` (top first), computed from the
 * directories themselves: used when the container's merged dir is not
 * mounted. Follows overlay's lookup rules: the first source naming a path
 * wins, a whiteout hides it below, only directories merge, and an opaque
 * directory stops the merge at its level.
 */
export function* walkMerged(
  sources: readonly OverlaySource[],
  rel = '',
  contributors?: number[],
): Generator<TreeEntry> {
  const seen = new Map<string, Seen | null>();
  for (const i of contributors ?? sources.map((_, n) => n)) {
    const src = sources[i];
    if (src === undefined) continue;
    let names: string[];
    try {
      names = readdirSync(rel === '' ? src.dir : join(src.dir, rel));
    } catch {
      continue;
    }
    for (const name of names) {
      const prev = seen.get(name);
      if (prev === null || prev?.closed) continue;
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const abs = join(src.dir, childRel);
      const st = lstatSync(abs);
      if (prev !== undefined) {
        if (prev.dirSources && st.isDirectory() && !isOverlayWhiteout(st)) prev.dirSources.push(i);
        else prev.closed = true;
        continue;
      }
      if (isOverlayWhiteout(st)) {
        seen.set(name, null);
        continue;
      }
      seen.set(name, {
        entry: { rel: childRel, abs, st },
        dirSources: st.isDirectory() ? [i] : null,
        closed: false,
      });
    }
    if (src.opaque.has(rel)) break;
  }
  for (const name of [...seen.keys()].sort()) {
    const s = seen.get(name);
    if (!s) continue;
    yield s.entry;
    if (s.dirSources) yield* walkMerged(sources, s.entry.rel, s.dirSources);
  }
}

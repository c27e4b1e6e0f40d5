import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { isOverlayWhiteout, walkDir } from '../archive/pack-tree.ts';
import type { OverlaySource } from './merged-walk.ts';
import type { Change } from './snapshotter.ts';

/**
 * Docker's `docker diff` for an overlay container: every path in the upper
 * dir is added (A) or changed (C) depending on whether the lower stack shows
 * it; an overlay whiteout is a deletion (D).
 */
export function overlayChanges(
  upper: string,
  upperOpaque: ReadonlySet<string>,
  lowers: readonly OverlaySource[],
): Change[] {
  const out: Change[] = [];
  for (const e of walkDir(upper, upperOpaque)) {
    const path = `/${e.rel}`;
    if (isOverlayWhiteout(e.st)) out.push({ Path: path, Kind: 2 });
    else out.push({ Path: path, Kind: inLowers(lowers, e.rel) ? 0 : 1 });
  }
  return out;
}

function inLowers(lowers: readonly OverlaySource[], rel: string): boolean {
  const ancestors: string[] = [];
  for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) ancestors.push(rel.slice(0, i));
  for (const src of lowers) {
    try {
      const st = lstatSync(join(src.dir, rel));
      return !isOverlayWhiteout(st);
    } catch {
      // not in this layer: look further down unless this layer hides everything below
    }
    if (src.opaque.has('') || ancestors.some((a) => src.opaque.has(a))) return false;
    if (ancestors.some((a) => isWhiteoutAt(join(src.dir, a)))) return false;
  }
  return false;
}

function isWhiteoutAt(abs: string): boolean {
  try {
    return isOverlayWhiteout(lstatSync(abs));
  } catch {
    return false;
  }
}

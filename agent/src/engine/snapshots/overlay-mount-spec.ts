import { EngineError } from '../errors.ts';
import type { MountSpec } from './snapshotter.ts';

/** mount(2) copies at most one page of option data, NUL included. */
export const MOUNT_DATA_LIMIT = 4095;

export interface OverlayPaths {
  /** lowers top first, each as an absolute path and as its short link relative to `root` */
  lowers: { abs: string; link: string }[];
  /** upper/work as absolute paths and relative to `root` */
  upper: { abs: string; rel: string };
  work: { abs: string; rel: string };
  merged: string;
  root: string;
}

/**
 * Absolute short-link paths when they fit the page (the common case, and
 * the caller needs no chdir); otherwise the same links relative to `root`,
 * which the caller must make its working directory before mount(2), as
 * Docker's overlay2 does for deep images.
 */
export function overlayMountSpec(p: OverlayPaths, limit = MOUNT_DATA_LIMIT): MountSpec {
  const absolute = [
    `lowerdir=${p.lowers.map((l) => `${p.root}/${l.link}`).join(':')}`,
    `upperdir=${p.upper.abs}`,
    `workdir=${p.work.abs}`,
  ];
  if (absolute.join(',').length <= limit) {
    return { type: 'overlay', source: 'overlay', target: p.merged, options: absolute };
  }
  const relative = [
    `lowerdir=${p.lowers.map((l) => l.link).join(':')}`,
    `upperdir=${p.upper.rel}`,
    `workdir=${p.work.rel}`,
  ];
  if (relative.join(',').length > limit) {
    throw new EngineError('invalid', `image has too many layers (${p.lowers.length}) for one overlay mount`);
  }
  return { type: 'overlay', source: 'overlay', target: p.merged, options: relative, cwd: p.root };
}

import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isOverlayWhiteout } from '../archive/pack-tree.ts';
import { EngineError } from '../errors.ts';
import type { OverlaySource } from '../snapshots/merged-walk.ts';

/**
 * A container's filesystem seen from the host, for `docker cp`: the live
 * root of a running container (/proc/<pid>/root: with its volumes and tmpfs
 * mounts), or the merged layers of a stopped one (upper first).
 *
 * Paths are resolved as if the container's root were `/`: symlinks are
 * followed by reading them, `..` stops at the root, and no host call ever
 * follows a symlink itself (each component is lstat'ed). A link inside the
 * container pointing at `/etc` therefore means the container's /etc, never
 * the host's — the class of bug behind several `docker cp` CVEs.
 */
export interface FoundEntry {
  /** the host path of the entry in the layer that provides it */
  abs: string;
  st: Stats;
}

const MAX_LINKS = 40;

export class ContainerFs {
  constructor(
    readonly layers: OverlaySource[],
    /** true for /proc/<pid>/root: one layer, no whiteouts, writes go straight in */
    readonly live: boolean,
  ) {}

  /** The entry at canonical path components, the way overlayfs would find it. */
  lookup(components: string[]): FoundEntry | undefined {
    for (const layer of this.layers) {
      let abs = layer.dir;
      let st: Stats | undefined;
      let blocked = false;
      for (let i = 0; i < components.length; i++) {
        abs = join(abs, components[i]!);
        try {
          st = lstatSync(abs);
        } catch {
          st = undefined;
          break;
        }
        if (isOverlayWhiteout(st)) return undefined;
        if (i < components.length - 1 && !st.isDirectory()) {
          // a non-directory here hides whatever lower layers have below it
          blocked = true;
          break;
        }
      }
      if (blocked) return undefined;
      if (st) return { abs, st };
      // an opaque directory in this layer hides what lower layers have under it
      for (let k = 1; k < components.length; k++) {
        if (layer.opaque.has(components.slice(0, k).join('/'))) return undefined;
      }
    }
    return undefined;
  }

  /** Canonical components of `path`, symlinks resolved inside the container (the last one only if asked). */
  resolve(path: string, followLast: boolean): string[] {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    const stack: string[] = [];
    let links = 0;
    while (parts.length > 0) {
      const comp = parts.shift()!;
      if (comp === '..') {
        stack.pop();
        continue;
      }
      const candidate = [...stack, comp];
      const found = this.lookup(candidate);
      if (found?.st.isSymbolicLink() && (parts.length > 0 || followLast)) {
        if (++links > MAX_LINKS)
          throw new EngineError('invalid', `too many levels of symbolic links in ${path}`);
        const target = readlinkSync(found.abs);
        if (target.startsWith('/')) stack.length = 0;
        parts.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
        continue;
      }
      stack.push(comp);
    }
    return stack;
  }
}

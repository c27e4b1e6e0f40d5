import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MountSpec } from '../snapshotter.ts';

/**
 * Test helpers for real overlay mounts: a `berthtest-` temp dir and a mount
 * list that cleanup() unmounts (lazily, so a busy mount cannot wedge the
 * suite) before removing the dir. Call cleanup() from an `after` hook.
 */
export function overlayTestKit(prefix = 'berthtest-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const mounted: string[] = [];
  return {
    root,
    mount(spec: MountSpec): void {
      execFileSync('mount', ['-t', spec.type, spec.source, '-o', spec.options.join(','), spec.target], {
        ...(spec.cwd ? { cwd: spec.cwd } : {}),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      mounted.push(spec.target);
    },
    unmount(target: string): void {
      execFileSync('umount', [target]);
      mounted.splice(mounted.indexOf(target), 1);
    },
    cleanup(): void {
      for (const t of mounted.splice(0).reverse()) {
        try {
          execFileSync('umount', ['-l', t], { stdio: 'ignore' });
        } catch {
          // already gone
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const helperPath = () => join(import.meta.dirname, '../../../../native/build/berth-runtime');

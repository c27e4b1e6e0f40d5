import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createImageStack } from '../../images/create-image-stack.ts';
import type { OverlaySnapshotterOptions } from '../../snapshots/overlay-snapshotter.ts';
import { helperPath, overlayTestKit } from '../../snapshots/testing/overlay-test-kit.ts';
import type { RegistryConfigInput } from '../registry-config.ts';
import { createRegistryService } from '../registry-service.ts';

/**
 * Fresh data roots (each an image stack plus a registry service) under one
 * `berthtest-` temp dir; cleanup() closes every service and removes the dir.
 */
export function registryTestKit() {
  const kit = overlayTestKit('berthtest-registry-');
  const closers: (() => void)[] = [];
  let n = 0;
  return {
    root: kit.root,
    engine(
      config: RegistryConfigInput = {},
      snapshotter: Omit<OverlaySnapshotterOptions, 'helperPath'> = {},
      /** fsync blobs as the daemon does (benchmarks); tests skip it */
      syncBlobs = false,
    ) {
      const root = join(kit.root, `root${n++}`);
      const layout = {
        content: join(root, 'content'),
        images: join(root, 'images'),
        snapshots: join(root, 'snapshots'),
      };
      const stack = createImageStack({ layout, helperPath, syncBlobs, snapshotter });
      const registry = createRegistryService({
        content: stack.content,
        snapshotter: stack.snapshotter,
        images: stack.images,
        agentDir: join(root, 'agent'),
        config: { backoffMs: 10, ...config },
      });
      closers.push(() => registry.close());
      return {
        root,
        stack,
        registry,
        agentDir: join(root, 'agent'),
        /** leftovers a failed pull must not leave: ingest files and temp unpack dirs */
        leftovers(): string[] {
          const ingest = join(layout.content, 'ingest');
          const tmp = join(layout.snapshots, 'tmp');
          return [
            ...(existsSync(ingest) ? readdirSync(ingest).map((f) => `ingest/${f}`) : []),
            ...(existsSync(tmp) ? readdirSync(tmp).map((f) => `tmp/${f}`) : []),
          ];
        },
      };
    },
    cleanup() {
      for (const c of closers) c();
      kit.cleanup();
    },
  };
}
export type TestEngine = ReturnType<ReturnType<typeof registryTestKit>['engine']>;

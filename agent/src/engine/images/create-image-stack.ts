import { nativeHelperPath } from '../../native/helper-path.ts';
import { LocalContentStore } from '../content/local-content-store.ts';
import type { DataLayout } from '../layout.ts';
import { OverlaySnapshotter, type OverlaySnapshotterOptions } from '../snapshots/overlay-snapshotter.ts';
import type { ImageUsage } from './image-store.ts';
import { LocalImageStore } from './local-image-store.ts';

export interface ImageStackOptions {
  layout: Pick<DataLayout, 'content' | 'images' | 'snapshots'>;
  isInUse?: ImageUsage;
  /** defaults to the built berth-runtime */
  helperPath?: () => string;
  snapshotter?: Omit<OverlaySnapshotterOptions, 'helperPath'>;
  /** fsync blobs and image records before they replace anything (default true; tests may turn it off) */
  syncBlobs?: boolean;
}

/**
 * The content store, overlay snapshotter and image store, wired together
 * for the daemon's one wiring place. Call start() once before use: it clears
 * what a crash may have left half-written.
 */
export function createImageStack(options: ImageStackOptions) {
  const content = new LocalContentStore(options.layout.content, { sync: options.syncBlobs ?? true });
  const snapshotter = new OverlaySnapshotter(options.layout.snapshots, {
    ...options.snapshotter,
    helperPath: options.helperPath ?? nativeHelperPath,
  });
  const images = new LocalImageStore({
    dir: options.layout.images,
    content,
    snapshotter,
    sync: options.syncBlobs ?? true,
    ...(options.isInUse ? { isInUse: options.isInUse } : {}),
  });
  return {
    content,
    snapshotter,
    images,
    async start(): Promise<void> {
      await content.cleanIngests();
      await snapshotter.layers.clean();
    },
  };
}
export type ImageStack = ReturnType<typeof createImageStack>;

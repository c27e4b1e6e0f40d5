import { createCgroupManager, type HostCgroupManager } from './cgroups/index.ts';
import { EventBus } from './events/event-bus.ts';
import { createImageStack } from './images/create-image-stack.ts';
import type { ImageStore } from './images/image-store.ts';
import { type DataLayout, dataLayout } from './layout.ts';
import type { OverlaySnapshotter } from './snapshots/overlay-snapshotter.ts';
import { VolumeStore } from './volumes/index.ts';

export interface EngineOptions {
  dataRoot: string;
  /** cgroup parent directory name; tests use their own `berthtest-…` */
  cgroupParent?: string;
}

/**
 * The one place the engine's components are made and wired together. Front
 * doors (the Docker API, the control-plane link, the CLI) receive an Engine
 * and call only its components.
 */
export interface Engine {
  layout: DataLayout;
  events: EventBus;
  images: ImageStore;
  snapshotter: OverlaySnapshotter;
  volumes: VolumeStore;
  cgroups: HostCgroupManager;
}

export async function openEngine(options: EngineOptions): Promise<Engine> {
  const layout = dataLayout(options.dataRoot);
  const events = new EventBus();
  const stack = createImageStack({ layout });
  await stack.start();
  stack.images.events.subscribe((e) => {
    events.publish('image', e.action, e.id, e.ref === undefined ? {} : { name: e.ref });
  });
  const volumes = await VolumeStore.open(layout.volumes, () => false);
  const cgroups = await createCgroupManager({ parent: options.cgroupParent ?? 'berth' });
  return { layout, events, images: stack.images, snapshotter: stack.snapshotter, volumes, cgroups };
}

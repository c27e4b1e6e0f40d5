import { mkdir } from 'node:fs/promises';
import { createCgroupManager, type HostCgroupManager } from './cgroups/index.ts';
import { ContainerStore } from './containers/container-store.ts';
import { ExecService } from './containers/exec-service.ts';
import { runtimeTaskPort } from './containers/runtime-task-port.ts';
import { ContainerService } from './containers/service.ts';
import { isActive } from './containers/state.ts';
import { EventBus } from './events/event-bus.ts';
import { createImageStack } from './images/create-image-stack.ts';
import type { ImageStore } from './images/image-store.ts';
import { type DataLayout, dataLayout } from './layout.ts';
import type { OverlaySnapshotter } from './snapshots/overlay-snapshotter.ts';
import { Runtime } from './tasks/index.ts';
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
  runtime: Runtime;
  containers: ContainerService;
  execs: ExecService;
}

export async function openEngine(options: EngineOptions): Promise<Engine> {
  const layout = dataLayout(options.dataRoot);
  const events = new EventBus();
  const store = new ContainerStore(layout.containers);
  // images and volumes ask the containers layer whether something is in use
  const stack = createImageStack({
    layout,
    isInUse: (imageId) => {
      const users = store.all().filter((c) => c.imageId === imageId);
      if (users.some((c) => isActive(c.state.status))) return 'running';
      return users.length > 0 ? 'stopped' : null;
    },
  });
  await stack.start();
  stack.images.events.subscribe((e) => {
    events.publish('image', e.action, e.id, e.ref === undefined ? {} : { name: e.ref });
  });
  const volumes = await VolumeStore.open(
    layout.volumes,
    (name) => store.all().some((c) => c.volumes.some((v) => v.name === name)),
    (action, name) => events.publish('volume', action, name),
  );
  const cgroups = await createCgroupManager({ parent: options.cgroupParent ?? 'berth' });
  await mkdir(layout.tasks, { recursive: true, mode: 0o700 });
  const runtime = new Runtime({ tasksDir: layout.tasks });
  const containers = new ContainerService({
    store,
    images: stack.images,
    snapshotter: stack.snapshotter,
    volumes,
    cgroups,
    tasks: runtimeTaskPort(runtime),
    events,
  });
  const execs = new ExecService(runtime, (record, exec) => containers.execProcess(record, exec));
  events.subscribe((e) => {
    if (e.type === 'container' && e.action === 'destroy') execs.dropContainer(e.id);
  });
  await containers.restore();
  return {
    layout,
    events,
    images: stack.images,
    snapshotter: stack.snapshotter,
    volumes,
    cgroups,
    runtime,
    containers,
    execs,
  };
}

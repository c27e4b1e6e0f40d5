import { mkdir } from 'node:fs/promises';
import { createCgroupManager, type HostCgroupManager } from './cgroups/index.ts';
import { ContainerStore } from './containers/container-store.ts';
import { ExecService } from './containers/exec-service.ts';
import { runtimeTaskPort } from './containers/runtime-task-port.ts';
import { ContainerService } from './containers/service.ts';
import { isActive } from './containers/state.ts';
import type { UsernsRemap } from './containers/userns-remap.ts';
import { EventBus } from './events/event-bus.ts';
import { createImageStack } from './images/create-image-stack.ts';
import type { ImageStore } from './images/image-store.ts';
import { type DataLayout, dataLayout } from './layout.ts';
import { NetworkOptions, type NetworkOptionsInput } from './network/options.ts';
import { NetworkService } from './network/service.ts';
import { createRegistryService, type RegistryConfigInput, type RegistryService } from './registry/index.ts';
import type { OverlaySnapshotter } from './snapshots/overlay-snapshotter.ts';
import { Runtime } from './tasks/index.ts';
import { VolumeStore } from './volumes/index.ts';

export interface EngineOptions {
  dataRoot: string;
  /** cgroup parent directory name; tests use their own `berthtest-…` */
  cgroupParent?: string;
  /** insecure registries, docker.io mirrors, CA dirs (the agent's flags) */
  registry?: RegistryConfigInput;
  /** dockerd's --userns-remap, parsed (containers/userns-remap.ts) */
  usernsRemap?: UsernsRemap;
  /** bridge, subnet and firewall table names; tests use their own `berthtest…` ones */
  network?: NetworkOptionsInput;
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
  /** pull, push, login; close() it at shutdown (it keeps registry connections alive) */
  registry: RegistryService;
  snapshotter: OverlaySnapshotter;
  volumes: VolumeStore;
  cgroups: HostCgroupManager;
  runtime: Runtime;
  containers: ContainerService;
  execs: ExecService;
  /** --userns-remap, when the agent remaps (docker info shows name=userns) */
  usernsRemap?: UsernsRemap;
  networks: NetworkService;
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
  const registry = createRegistryService({
    content: stack.content,
    snapshotter: stack.snapshotter,
    images: stack.images,
    agentDir: layout.agent,
    ...(options.registry ? { config: options.registry } : {}),
  });
  const volumes = await VolumeStore.open(
    layout.volumes,
    (name) => store.all().some((c) => c.volumes.some((v) => v.name === name)),
    (action, name, attributes) => events.publish('volume', action, name, attributes),
  );
  const cgroups = await createCgroupManager({ parent: options.cgroupParent ?? 'berth' });
  await mkdir(layout.tasks, { recursive: true, mode: 0o700 });
  const runtime = new Runtime({ tasksDir: layout.tasks });
  const networks = new NetworkService(
    NetworkOptions.parse(options.network ?? {}),
    layout.networks,
    layout.netns,
    events,
  );
  await networks.open();
  const containers = new ContainerService({
    network: networks,
    store,
    images: stack.images,
    snapshotter: stack.snapshotter,
    volumes,
    cgroups,
    tasks: runtimeTaskPort(runtime),
    events,
    usernsRemap: options.usernsRemap,
  });
  const execs = new ExecService(runtime, (record, exec) => containers.execProcess(record, exec));
  events.subscribe((e) => {
    if (e.type === 'container' && e.action === 'destroy') execs.dropContainer(e.id);
  });
  await containers.restore();
  await execs.restore(
    containers
      .list()
      .filter((c) => isActive(c.state.status))
      .map((c) => c.id),
  );
  return {
    layout,
    events,
    images: stack.images,
    registry,
    snapshotter: stack.snapshotter,
    volumes,
    cgroups,
    runtime,
    containers,
    execs,
    usernsRemap: options.usernsRemap,
    networks,
  };
}

import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { HostCgroup, HostCgroupManager } from '../cgroups/index.ts';
import type { CgroupResources } from '../cgroups/types.ts';
import { EngineError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { NetworkService } from '../network/service.ts';
import { type EndpointRequest, networkMode } from '../network/spec.ts';
import { Process, type RuntimeSpecInput } from '../oci/spec.ts';
import type { OverlaySnapshotter } from '../snapshots/overlay-snapshotter.ts';
import { type AttachSession, startFailureExitCode } from '../tasks/index.ts';
import { populateFromImage, type VolumeStore } from '../volumes/index.ts';
import { buildRuntimeSpec, effectiveCapabilities } from './build-runtime-spec.ts';
import { ContainerFs } from './container-fs.ts';
import { joinNetworks, prepareNetwork, withNetNamespace, writeHosts } from './container-network.ts';
import type { ContainerStore } from './container-store.ts';
import { type ExecConfig, execEnv } from './exec-service.ts';
import { hostHardLimit } from './host-limits.ts';
import { readContainerFile } from './image-files.ts';
import { hostnameFile, hostsFile, resolvConfFile } from './init-files.ts';
import { newContainerId, randomName } from './names.ts';
import type { ContainerRecord } from './record.ts';
import { resolveCommand } from './resolve-command.ts';
import { resolveUser } from './resolve-user.ts';
import { decideRestart, restartsOnDaemonStart } from './restart-policy.ts';
import { parseSignal } from './signals.ts';
import { ContainerSpec, type ContainerSpecInput, type RestartPolicy } from './spec.ts';
import {
  assertCanKill,
  assertCanPause,
  assertCanRemove,
  assertCanStart,
  assertCanUnpause,
  initialState,
  isActive,
} from './state.ts';
import type { TaskExit, TaskPort } from './task-port.ts';
import {
  checkUsernsMode,
  giveToMappedRoot,
  remapFor,
  type UsernsRemap,
  withUserNamespace,
} from './userns-remap.ts';
import { publishVolumeMounts } from './volume-events.ts';

export interface ContainerServiceDeps {
  store: ContainerStore;
  images: ImageStore;
  snapshotter: OverlaySnapshotter;
  volumes: VolumeStore;
  cgroups: HostCgroupManager;
  tasks: TaskPort;
  events: EventBus;
  network: NetworkService;
  hostResolvConf?: () => Promise<string>;
  /** dockerd's --userns-remap: every container's root is a subordinate host id */
  usernsRemap?: UsernsRemap;
}

const DEFAULT_STOP_TIMEOUT_S = 10;

/**
 * Container lifecycle over the image store, snapshotter, cgroups and the
 * runtime. Each operation checks the state it needs first; a failed create or
 * start undoes what it made before reporting.
 */
export class ContainerService {
  private readonly exitWatchers = new Map<string, Promise<void>>();
  private readonly waiters = new Map<string, Set<(exitCode: number) => void>>();
  private readonly pendingAttaches = new Map<
    string,
    { stdin: boolean; resolve: (s: AttachSession | undefined) => void }[]
  >();
  private readonly removalWaiters = new Map<string, Set<(exitCode: number) => void>>();
  private readonly restartDelays = new Map<string, number>();

  constructor(private readonly deps: ContainerServiceDeps) {}

  /**
   * Live-restore, at agent start: running containers are re-adopted from
   * their monitors; those that ended while the agent was away get their exit
   * recorded (and their restart policy applied); leftovers of a create that
   * crashed half-way are removed.
   */
  async restore(): Promise<void> {
    const { leftovers } = await this.deps.store.load();
    await this.deps.network.reconcile(
      new Set(
        this.deps.store
          .all()
          .filter((r) => isActive(r.state.status))
          .map((r) => r.id),
      ),
    );
    for (const id of leftovers) {
      await this.deps.tasks.cleanup(id).catch(() => {});
      await this.deps.snapshotter.remove(id).catch(() => {});
      await rm(this.deps.store.dir(id), { recursive: true, force: true });
    }
    for (const record of this.deps.store.all()) {
      if (!isActive(record.state.status)) {
        if (
          restartsOnDaemonStart(
            record.spec.host.restartPolicy,
            record.state.stoppedByUser,
            record.state.exitCode,
          )
        ) {
          await this.launch(record).catch((err) =>
            console.error(`container ${record.id}: restart failed: ${err}`),
          );
        }
        continue;
      }
      const found = await this.deps.tasks.adopt(record.id);
      if (found?.running) {
        if (record.state.status === 'restarting') record.state = { ...record.state, status: 'running' };
        record.state.pid = found.pid;
        this.watchExit(record);
      } else {
        const exit = found?.exit ?? { exitCode: 255, finishedAt: new Date().toISOString() };
        await this.onExit(record.id, exit);
      }
    }
  }

  list(): ContainerRecord[] {
    return this.deps.store.all();
  }

  get(ref: string): ContainerRecord {
    return this.deps.store.get(ref);
  }

  async create(input: ContainerSpecInput): Promise<ContainerRecord> {
    const spec = ContainerSpec.parse(input);
    checkUsernsMode(this.deps.usernsRemap, spec);
    const { store, images, snapshotter } = this.deps;
    const image = await images.resolve(spec.image);
    const id = newContainerId();
    const name = spec.name ?? randomName((n) => store.nameTaken(n));
    store.reserveName(name, id);
    let snapshotMade = false;
    let joined = false;
    const volumes: ContainerRecord['volumes'] = [];
    try {
      await joinNetworks(this.deps.network, spec, { id, name }, (ref) => store.get(ref));
      joined = true;
      const command = resolveCommand(image.config.config ?? {}, spec);
      const snapshot = await images.prepareRootfs(id, image.id);
      snapshotMade = true;
      const hostname = spec.hostname ?? id.slice(0, 12);
      const etc = join(snapshot.initDir, 'etc');
      await writeInitFiles(etc, hostname, await (this.deps.hostResolvConf ?? readHostResolvConf)());
      const record: ContainerRecord = {
        id,
        name,
        created: new Date().toISOString(),
        spec,
        imageId: image.id,
        imageRef: spec.image,
        ...command,
        hostname,
        exposedPorts: [
          ...new Set([...Object.keys(image.config.config?.ExposedPorts ?? {}), ...spec.network.exposedPorts]),
        ],
        graphDriver: {
          lowerDir: snapshot.graphDriver.Data.LowerDir,
          upperDir: snapshot.upperDir,
          mergedDir: snapshot.mergedDir,
          workDir: snapshot.workDir,
        },
        volumes: await this.prepareVolumes(spec, volumes),
        logPath: join(store.dir(id), `${id}-json.log`),
        hostsPath: join(etc, 'hosts'),
        hostnamePath: join(etc, 'hostname'),
        resolvConfPath: join(etc, 'resolv.conf'),
        state: initialState(),
      };
      await store.save(record);
      this.deps.events.publish('container', 'create', id, { name, image: spec.image });
      return record;
    } catch (err) {
      store.releaseName(name, id);
      if (joined) await this.deps.network.leaveAll(id).catch(() => {});
      if (snapshotMade) await snapshotter.remove(id).catch(() => {});
      // anonymous volumes exist for this container only; named ones stay, as with Docker
      for (const v of volumes.filter((x) => x.anonymous))
        await this.deps.volumes.remove(v.name).catch(() => {});
      throw err;
    }
  }

  /** Named and anonymous volumes for the container's volume mounts, created when missing, gathered into `out`. */
  private async prepareVolumes(
    spec: ContainerSpec,
    out: ContainerRecord['volumes'],
  ): Promise<ContainerRecord['volumes']> {
    for (const mount of spec.host.mounts) {
      if (mount.type !== 'volume') continue;
      const anonymous = mount.source === '';
      const volume = await this.deps.volumes.create(anonymous ? {} : { name: mount.source });
      out.push({ name: volume.Name, target: mount.target, anonymous });
    }
    return out;
  }

  /** Docker's copy-up: a volume that is still empty gets the image's content at its mount point. */
  private async copyUp(volume: string, source: string): Promise<void> {
    if (!(await stat(source).catch(() => undefined))?.isDirectory()) return;
    await populateFromImage(this.deps.volumes, volume, source);
  }

  private async runtimeSpec(record: ContainerRecord, rootPath: string): Promise<RuntimeSpecInput> {
    const layers = [record.graphDriver.upperDir, ...record.graphDriver.lowerDir.split(':')];
    const user = resolveUser(
      record.user,
      await readContainerFile(layers, 'etc/passwd'),
      await readContainerFile(layers, 'etc/group'),
    );
    const volumePaths = new Map(record.volumes.map((v) => [v.target, this.deps.volumes.mountpoint(v.name)]));
    const spec = buildRuntimeSpec({
      record,
      rootPath,
      user,
      volumePaths,
      hostHardLimit: (r) => hostHardLimit(r),
    });
    const remap = remapFor(this.deps.usernsRemap, record.spec);
    if (!remap) return spec;
    const snapshots = this.deps.snapshotter.root;
    await giveToMappedRoot(
      remap,
      [record.graphDriver.upperDir, ...volumePaths.values()],
      [dirname(snapshots), snapshots, join(snapshots, 'containers'), dirname(rootPath)],
    );
    return withUserNamespace(spec, remap);
  }

  async start(ref: string): Promise<void> {
    const record = this.get(ref);
    assertCanStart(record.id, record.state.status);
    await this.launch(record);
  }

  private async launch(record: ContainerRecord): Promise<void> {
    const { cgroups, tasks, snapshotter, store } = this.deps;
    const snapshot = await snapshotter.get(record.id);
    let cgroup: HostCgroup | undefined;
    let netReady: Promise<void> | undefined;
    try {
      const net = await prepareNetwork(
        this.deps.network,
        record,
        await (this.deps.hostResolvConf ?? readHostResolvConf)(),
        (ref) => store.get(ref),
      );
      // the namespace is wired while the cgroup and the spec are made
      netReady = net.ready;
      cgroup = await cgroups.create(record.id, record.spec.host.resources);
      const spec = withNetNamespace(await this.runtimeSpec(record, snapshot.mergedDir), net.namespace);
      await net.ready;
      const attachers = this.pendingAttaches.get(record.id) ?? [];
      this.pendingAttaches.delete(record.id);
      const copyUps = record.spec.host.mounts.flatMap((m) =>
        m.type === 'volume' && !m.noCopy ? record.volumes.filter((v) => v.target === m.target) : [],
      );
      // between setup and exec: the rootfs is mounted at MergedDir, the command has not run yet
      const beforeExec =
        attachers.length === 0 && copyUps.length === 0
          ? undefined
          : async () => {
              for (const v of copyUps) await this.copyUp(v.name, join(snapshot.mergedDir, v.target));
              for (const a of attachers) a.resolve(await tasks.attach(record.id, { stdin: a.stdin }));
            };
      const { pid } = await tasks
        .start(
          {
            id: record.id,
            spec,
            rootfs: snapshot.mount,
            idmapLayers: remapFor(this.deps.usernsRemap, record.spec) !== undefined,
            cgroupProcs: cgroup.procsFiles(),
            logDir: store.dir(record.id),
            logMaxSizeBytes: record.spec.host.logConfig.maxSizeBytes,
            logMaxFiles: record.spec.host.logConfig.maxFiles,
            tty: record.spec.tty,
            openStdin: record.spec.openStdin,
          },
          beforeExec,
        )
        .catch((err) => {
          for (const a of attachers) a.resolve(undefined);
          throw err;
        });
      record.state = {
        ...record.state,
        status: 'running',
        pid,
        exitCode: 0,
        oomKilled: false,
        error: '',
        startedAt: new Date().toISOString(),
        stoppedByUser: false,
      };
      await store.save(record);
    } catch (err) {
      await tasks.cleanup(record.id).catch(() => {});
      await netReady?.catch(() => {});
      await this.deps.network.down(record.id).catch(() => {});
      await cgroup?.destroy().catch(() => {});
      // as Docker: the run ended before it began, with 127/126 for a command that cannot run
      const exitCode = startFailureExitCode(err) ?? 128;
      record.state = {
        ...record.state,
        status: record.state.status === 'restarting' ? 'exited' : record.state.status,
        exitCode,
        error: err instanceof Error ? err.message : String(err),
        finishedAt: new Date().toISOString(),
      };
      await store.save(record).catch(() => {});
      this.notifyExit(record.id, exitCode);
      if (record.spec.host.autoRemove)
        await this.remove(record.id, { force: true, volumes: true }).catch(() => {});
      throw err;
    }
    publishVolumeMounts(this.deps.events, record, 'mount');
    this.deps.events.publish('container', 'start', record.id, { name: record.name, image: record.imageRef });
    this.watchExit(record);
  }

  /** Follows a running task to its end, then records the exit and applies the restart policy. */
  private watchExit(record: ContainerRecord): void {
    const watcher = this.deps.tasks
      .waitExit(record.id)
      .then((exit) => this.onExit(record.id, exit))
      .catch((err) => console.error(`container ${record.id}: ${err instanceof Error ? err.message : err}`))
      .finally(() => this.exitWatchers.delete(record.id));
    this.exitWatchers.set(record.id, watcher);
  }

  private async onExit(id: string, exit: TaskExit): Promise<void> {
    const record = this.deps.store.find(id);
    if (!record) return;
    const cgroup = await this.deps.cgroups.open(id);
    const oomKilled = ((await cgroup?.oomKills().catch(() => 0)) ?? 0) > 0;
    await Promise.all([cgroup?.destroy().catch(() => {}), this.deps.tasks.cleanup(id).catch(() => {})]);
    await this.deps.network
      .down(id)
      .catch((err) => console.error(`container ${id}: releasing its network failed: ${err}`));
    const ranForMs = Date.parse(exit.finishedAt) - Date.parse(record.state.startedAt);
    record.state = {
      ...record.state,
      status: 'exited',
      pid: 0,
      exitCode: exit.exitCode,
      oomKilled,
      finishedAt: exit.finishedAt,
    };
    await this.deps.store.save(record);
    const attributes = { name: record.name, image: record.imageRef, exitCode: String(exit.exitCode) };
    if (oomKilled)
      this.deps.events.publish('container', 'oom', id, { name: record.name, image: record.imageRef });
    this.deps.events.publish('container', 'die', id, attributes);
    publishVolumeMounts(this.deps.events, record, 'unmount');
    this.notifyExit(id, exit.exitCode);

    if (record.spec.host.autoRemove) {
      // after this exit watcher has finished: remove() waits for it
      const watcher = this.exitWatchers.get(id);
      void Promise.resolve(watcher)
        .then(() => this.remove(id, { force: true, volumes: true }))
        .catch((err) => console.error(`container ${id}: auto-remove failed: ${err}`));
      return;
    }
    const decision = decideRestart(record.spec.host.restartPolicy, {
      exitCode: exit.exitCode,
      stoppedByUser: record.state.stoppedByUser,
      restartCount: record.state.restartCount,
      ranForMs,
      previousDelayMs: this.restartDelays.get(id) ?? 0,
    });
    if (!decision.restart) return;
    this.restartDelays.set(id, decision.delayMs);
    record.state = { ...record.state, status: 'restarting', restartCount: record.state.restartCount + 1 };
    await this.deps.store.save(record);
    setTimeout(() => {
      const current = this.deps.store.find(id);
      if (current?.state.status !== 'restarting') return;
      this.launch(current).catch(async (err) => {
        current.state = { ...current.state, status: 'exited', error: String(err) };
        await this.deps.store.save(current).catch(() => {});
      });
    }, decision.delayMs).unref();
  }

  async kill(ref: string, signal = 'SIGKILL'): Promise<void> {
    const record = this.get(ref);
    const signo = parseSignal(signal);
    assertCanKill(record.id, record.state.status);
    if (record.state.status === 'restarting') {
      record.state = { ...record.state, status: 'exited', stoppedByUser: true };
      await this.deps.store.save(record);
      return;
    }
    // as Docker: a container the user killed is not brought back by its restart policy
    record.state = { ...record.state, stoppedByUser: true };
    await this.deps.store.save(record);
    await this.deps.tasks.kill(record.id, signo);
    this.deps.events.publish('container', 'kill', record.id, { name: record.name, signal: String(signo) });
  }

  /** The stop signal, then SIGKILL after the timeout; resolves once the container has exited. */
  async stop(ref: string, timeoutSeconds?: number, signal?: string): Promise<void> {
    const record = this.get(ref);
    if (!isActive(record.state.status))
      throw new EngineError('not_modified', `container ${record.id} is not running`);
    record.state = { ...record.state, stoppedByUser: true };
    await this.deps.store.save(record);
    if (record.state.status === 'restarting') {
      record.state = { ...record.state, status: 'exited' };
      await this.deps.store.save(record);
      return;
    }
    if (record.state.status === 'paused') await this.unpause(record.id);
    const exited = this.waitForExit(record.id);
    const stopSignal = parseSignal(signal ?? record.spec.stopSignal ?? 'SIGTERM');
    const timeout = timeoutSeconds ?? record.spec.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
    await this.deps.tasks.kill(record.id, stopSignal).catch(() => {});
    const killed = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(true), timeout < 0 ? 2 ** 31 - 1 : timeout * 1000).unref(),
      ),
    ]);
    if (killed) {
      await this.deps.tasks.kill(record.id, parseSignal('SIGKILL')).catch(() => {});
      await exited;
    }
    this.deps.events.publish('container', 'stop', record.id, { name: record.name });
  }

  async restart(ref: string, timeoutSeconds?: number): Promise<void> {
    const record = this.get(ref);
    if (isActive(record.state.status)) await this.stop(record.id, timeoutSeconds);
    await this.launch(this.get(record.id));
    this.deps.events.publish('container', 'restart', record.id, { name: record.name });
  }

  async pause(ref: string): Promise<void> {
    const record = this.get(ref);
    assertCanPause(record.id, record.state.status);
    const cgroup = await this.requireCgroup(record.id);
    await cgroup.freeze();
    record.state = { ...record.state, status: 'paused' };
    await this.deps.store.save(record);
    this.deps.events.publish('container', 'pause', record.id, { name: record.name });
  }

  async unpause(ref: string): Promise<void> {
    const record = this.get(ref);
    assertCanUnpause(record.id, record.state.status);
    const cgroup = await this.requireCgroup(record.id);
    await cgroup.thaw();
    record.state = { ...record.state, status: 'running' };
    await this.deps.store.save(record);
    this.deps.events.publish('container', 'unpause', record.id, { name: record.name });
  }

  private async requireCgroup(id: string) {
    const cgroup = await this.deps.cgroups.open(id);
    if (!cgroup) throw new EngineError('internal', `container ${id} has no cgroup`);
    return cgroup;
  }

  private notifyExit(id: string, exitCode: number): void {
    for (const notify of this.waiters.get(id) ?? []) notify(exitCode);
    this.waiters.delete(id);
  }

  /**
   * Attaches to the container's main process: at once when it runs; when it
   * has not started yet (`docker run` attaches first), at its next start,
   * before its command runs, so no output is lost. Undefined if `giveUp`
   * resolves first or the start fails.
   */
  async attach(ref: string, stdin: boolean, giveUp: Promise<void>): Promise<AttachSession | undefined> {
    const record = this.get(ref);
    if (record.state.status === 'running' || record.state.status === 'paused')
      return this.deps.tasks.attach(record.id, { stdin });
    return new Promise((resolve) => {
      const entry = { stdin, resolve };
      const list = this.pendingAttaches.get(record.id) ?? [];
      list.push(entry);
      this.pendingAttaches.set(record.id, list);
      void giveUp.then(() => {
        const current = this.pendingAttaches.get(record.id);
        if (current?.includes(entry)) {
          current.splice(current.indexOf(entry), 1);
          resolve(undefined);
        }
      });
    });
  }

  /**
   * Docker's wait conditions: 'not-running' resolves at once for a container
   * that is not running, 'next-exit' waits for the next exit even then (the
   * CLI waits before it starts the container), and 'removed' waits for removal.
   */
  waitForExit(
    ref: string,
    condition: 'not-running' | 'next-exit' | 'removed' = 'not-running',
  ): Promise<number> {
    const record = this.get(ref);
    if (condition === 'removed') {
      return new Promise((resolve) => {
        const set = this.removalWaiters.get(record.id) ?? new Set();
        set.add(resolve);
        this.removalWaiters.set(record.id, set);
      });
    }
    if (condition === 'not-running' && !isActive(record.state.status))
      return Promise.resolve(record.state.exitCode);
    return new Promise((resolve) => {
      const set = this.waiters.get(record.id) ?? new Set();
      set.add(resolve);
      this.waiters.set(record.id, set);
    });
  }

  async remove(ref: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const record = this.get(ref);
    assertCanRemove(`/${record.name}`, record.state.status, options.force ?? false);
    if (isActive(record.state.status)) {
      record.state = { ...record.state, stoppedByUser: true };
      const exited = this.waitForExit(record.id);
      if (record.state.status === 'paused') await (await this.requireCgroup(record.id)).thaw();
      await this.deps.tasks.kill(record.id, parseSignal('SIGKILL')).catch(() => {});
      await exited;
    }
    await this.exitWatchers.get(record.id);
    await this.deps.tasks.cleanup(record.id).catch(() => {});
    await this.deps.snapshotter.remove(record.id);
    await this.deps.network.leaveAll(record.id);
    if (options.volumes) {
      for (const volume of record.volumes.filter((v) => v.anonymous)) {
        await this.deps.volumes.remove(volume.name).catch(() => {});
      }
    }
    await this.deps.store.delete(record);
    this.restartDelays.delete(record.id);
    this.deps.events.publish('container', 'destroy', record.id, {
      name: record.name,
      image: record.imageRef,
    });
    for (const notify of this.removalWaiters.get(record.id) ?? []) notify(record.state.exitCode);
    this.removalWaiters.delete(record.id);
  }

  /** `docker update`: new limits apply to a running container at once; the record keeps them for later starts. */
  async update(
    ref: string,
    change: { resources?: CgroupResources; restartPolicy?: RestartPolicy },
  ): Promise<void> {
    const record = this.get(ref);
    const resources = { ...record.spec.host.resources, ...change.resources };
    if (isActive(record.state.status) && change.resources)
      await (await this.requireCgroup(record.id)).update(change.resources);
    record.spec = {
      ...record.spec,
      host: {
        ...record.spec.host,
        resources,
        restartPolicy: change.restartPolicy ?? record.spec.host.restartPolicy,
      },
    };
    await this.deps.store.save(record);
    this.deps.events.publish('container', 'update', record.id, { name: record.name });
  }

  /** The process of an exec: the container's own (capabilities, rlimits), with the exec's command, env, user and cwd. */
  async execProcess(record: ContainerRecord, exec: ExecConfig): Promise<Process> {
    const spec = await this.runtimeSpec(
      exec.user === undefined ? record : { ...record, user: exec.user },
      record.graphDriver.mergedDir,
    );
    const process = Process.parse(spec.process);
    const caps = exec.privileged ? effectiveCapabilities(true, [], []) : undefined;
    return {
      ...process,
      args: exec.cmd,
      env: execEnv(record, exec),
      cwd: exec.workingDir || record.workingDir,
      terminal: exec.tty,
      capabilities: caps
        ? { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] }
        : process.capabilities,
    };
  }

  /** The container's filesystem for `docker cp`: the live root while it runs, the layers otherwise. */
  async filesystem(ref: string): Promise<ContainerFs> {
    const record = this.get(ref);
    if (record.state.status === 'running' || record.state.status === 'paused') {
      return new ContainerFs([{ dir: `/proc/${record.state.pid}/root`, opaque: new Set() }], true);
    }
    return new ContainerFs(await this.deps.snapshotter.mergedSources(record.id), false);
  }

  /** `docker network connect`: a running container gets its interface at once, a stopped one at its next start. */
  async connectNetwork(ref: string, network: string, req: EndpointRequest): Promise<void> {
    const record = this.get(ref);
    if (networkMode(record.spec.network.mode).kind !== 'network')
      throw new EngineError(
        'forbidden',
        'container sharing network namespace with another container or host cannot be connected to any other network',
      );
    const container = { id: record.id, name: record.name };
    if (record.state.status === 'running' || record.state.status === 'paused') {
      await this.deps.network.connectRunning(network, container, req, record.state.pid);
      await this.rewriteHosts(record);
    } else await this.deps.network.join(network, container, req);
    this.deps.events.publish('network', 'connect', this.deps.network.get(network).id, {
      container: record.id,
    });
  }

  /** `docker network disconnect`: its interface on that network goes, with the lease. */
  async disconnectNetwork(ref: string, network: string): Promise<void> {
    const record = this.get(ref);
    const id = this.deps.network.get(network).id;
    await this.deps.network.leave(id, record.id);
    if (record.state.status === 'running' || record.state.status === 'paused')
      await this.rewriteHosts(record);
    this.deps.events.publish('network', 'disconnect', id, { container: record.id });
  }

  private rewriteHosts(record: ContainerRecord): Promise<void> {
    const addresses = this.deps.network
      .networksOf(record.id)
      .flatMap((j) => (j.endpoint.ip ? [j.endpoint.ip] : []));
    return writeHosts(record, addresses);
  }

  async rename(ref: string, newName: string): Promise<void> {
    const record = this.get(ref);
    const name = ContainerSpec.shape.name.parse(newName.replace(/^\//, ''));
    if (name === undefined || name === record.name) return;
    this.deps.store.reserveName(name, record.id);
    const oldName = record.name;
    record.name = name;
    try {
      await this.deps.store.save(record);
    } catch (err) {
      record.name = oldName;
      this.deps.store.releaseName(name, record.id);
      throw err;
    }
    this.deps.store.releaseName(oldName, record.id);
    await this.deps.network.rename(record.id, name);
    this.deps.events.publish('container', 'rename', record.id, { name, oldName: `/${oldName}` });
  }
}

async function readHostResolvConf(): Promise<string> {
  return readFile('/etc/resolv.conf', 'utf8').catch(() => '');
}

async function writeInitFiles(etc: string, hostname: string, hostResolvConf: string): Promise<void> {
  await mkdir(etc, { recursive: true, mode: 0o755 });
  await writeFile(join(etc, 'hostname'), hostnameFile(hostname), { mode: 0o644 });
  await writeFile(join(etc, 'hosts'), hostsFile(hostname), { mode: 0o644 });
  await writeFile(join(etc, 'resolv.conf'), resolvConfFile(hostResolvConf), { mode: 0o644 });
}

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { isActive } from '../../engine/containers/state.ts';
import type { Engine } from '../../engine/engine.ts';
import { AGENT_VERSION } from '../../version.ts';
import { sendJson } from '../respond.ts';
import type { Router } from '../router.ts';

const goArch = (arch: string) => (arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : arch);
const engineId = randomUUID();

/** GET /info (`docker info`) and GET /system/df (`docker system df`). */
export function infoRoutes(router: Router, engine: Engine): void {
  router.on('GET', '/info', async ({ res }) => {
    const containers = engine.containers.list();
    const images = await engine.images.list({ all: true });
    const mode = engine.cgroups.mode;
    sendJson(res, 200, {
      ID: engineId,
      Containers: containers.length,
      ContainersRunning: containers.filter((c) => c.state.status === 'running').length,
      ContainersPaused: containers.filter((c) => c.state.status === 'paused').length,
      ContainersStopped: containers.filter((c) => !isActive(c.state.status)).length,
      Images: images.length,
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs']],
      Plugins: { Volume: ['local'], Network: [], Authorization: null, Log: ['json-file'] },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: false,
      Debug: false,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: mode === 'v2' ? '2' : '1',
      NEventsListener: 0,
      KernelVersion: os.release(),
      OperatingSystem: 'Berth',
      OSVersion: '',
      OSType: 'linux',
      Architecture: goArch(os.arch()),
      IndexServerAddress: 'https://index.docker.io/v1/',
      NCPU: os.availableParallelism(),
      MemTotal: os.totalmem(),
      DockerRootDir: engine.layout.root,
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: AGENT_VERSION,
      Runtimes: { berth: { path: 'berth-runtime' } },
      DefaultRuntime: 'berth',
      Swarm: {
        NodeID: '',
        NodeAddr: '',
        LocalNodeState: 'inactive',
        ControlAvailable: false,
        Error: '',
        RemoteManagers: null,
      },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: 'docker-init',
      SecurityOptions: ['name=seccomp,profile=builtin', ...(mode === 'v2' ? ['name=cgroupns'] : [])],
      Warnings: [],
    });
  });

  router.on('GET', '/system/df', async ({ res }) => {
    const usage = await engine.images.diskUsage();
    const images = await engine.images.list({ all: true });
    const sizes = new Map(usage.images.map((i) => [i.id, i]));
    const containers = engine.containers.list();
    const volumeUsage = await engine.volumes.usage();
    const containerRows = [];
    for (const c of containers) {
      const size = await engine.snapshotter.usage(c.id).catch(() => ({ sizeRw: 0, sizeRootFs: 0 }));
      containerRows.push({
        Id: c.id,
        Names: [`/${c.name}`],
        Image: c.imageRef,
        ImageID: c.imageId,
        Command: [c.path, ...c.args].join(' '),
        Created: Math.floor(Date.parse(c.created) / 1000),
        State: c.state.status,
        Status: c.state.status,
        SizeRw: size.sizeRw,
        SizeRootFs: size.sizeRootFs,
        Labels: c.spec.labels,
        Mounts: [],
      });
    }
    sendJson(res, 200, {
      LayersSize: usage.layersSize,
      Images: images.map((i) => ({
        ...i,
        SharedSize: sizes.get(i.Id)?.sharedSize ?? 0,
        Size: sizes.get(i.Id)?.size ?? i.Size,
        Containers: containers.filter((c) => c.imageId === i.Id).length,
      })),
      Containers: containerRows,
      Volumes: volumeUsage.map((v) => ({
        ...v.volume,
        UsageData: {
          Size: v.sizeBytes,
          RefCount: containers.filter((c) => c.volumes.some((x) => x.name === v.volume.Name)).length,
        },
      })),
      BuildCache: [],
    });
  });
}

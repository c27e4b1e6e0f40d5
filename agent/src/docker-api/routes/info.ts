import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ContainerRecord } from '../../engine/containers/record.ts';
import type { Engine } from '../../engine/engine.ts';
import { AGENT_VERSION } from '../../version.ts';
import { backingFilesystem, hostOs, openFds, runtimePath } from '../host-facts.ts';
import { sendJson } from '../respond.ts';
import type { Router } from '../router.ts';
import { eventListenerCount } from './events.ts';

const unameArch = (arch: string) => (arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : arch);
const engineId = randomUUID();

/** Docker's counters: a restarting or exited container counts as stopped. */
function containerCounts(containers: readonly ContainerRecord[]) {
  const running = containers.filter((c) => c.state.status === 'running').length;
  const paused = containers.filter((c) => c.state.status === 'paused').length;
  return {
    Containers: containers.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: containers.length - running - paused,
  };
}

/** GET /info (`docker info`). */
export function infoRoutes(router: Router, engine: Engine): void {
  router.on('GET', '/info', async ({ res }) => {
    const images = await engine.images.list({ all: true });
    const mode = engine.cgroups.mode;
    const runtime = `berth-runtime ${AGENT_VERSION}`;
    sendJson(res, 200, {
      ID: engineId,
      ...containerCounts(engine.containers.list()),
      Images: images.length,
      Driver: 'overlay2',
      DriverStatus: [
        ['Backing Filesystem', await backingFilesystem(engine.layout.root)],
        ['Supports d_type', 'true'],
        ['Using metacopy', 'false'],
        ['Native Overlay Diff', 'true'],
        ['userxattr', 'false'],
      ],
      Plugins: {
        Volume: ['local'],
        Network: ['bridge', 'host', 'null'],
        Authorization: null,
        Log: ['json-file'],
      },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      OomKillDisable: false,
      IPv4Forwarding: false,
      Debug: false,
      NFd: openFds(),
      // Node has no goroutines; its event loop is one thread
      NGoroutines: 1,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      // a hybrid host keeps its controllers on v1, which is what Docker reports for it
      CgroupVersion: mode === 'v2' ? '2' : '1',
      NEventsListener: eventListenerCount(),
      KernelVersion: os.release(),
      OperatingSystem: hostOs().pretty,
      OSVersion: hostOs().version,
      OSType: 'linux',
      Architecture: unameArch(os.arch()),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: null,
      NCPU: os.availableParallelism(),
      MemTotal: os.totalmem(),
      GenericResources: null,
      DockerRootDir: engine.layout.root,
      HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
      NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: AGENT_VERSION,
      Runtimes: { berth: { path: runtimePath() } },
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
      // Berth has no containerd; berth-runtime is both the runtime and the init (docker run --init)
      ContainerdCommit: { ID: 'N/A' },
      RuncCommit: { ID: runtime },
      InitCommit: { ID: runtime },
      SecurityOptions: [
        'name=seccomp,profile=builtin',
        ...(engine.usernsRemap ? ['name=userns'] : []),
        ...(mode === 'v2' ? ['name=cgroupns'] : []),
      ],
      CDISpecDirs: [],
      Warnings: [],
    });
  });
}

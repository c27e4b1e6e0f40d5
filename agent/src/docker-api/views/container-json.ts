import type { ContainerRecord } from '../../engine/containers/record.ts';
import { ZERO_TIME } from '../../engine/containers/state.ts';
import type { PortBinding } from '../../engine/network/spec.ts';
import { humanDuration } from './human-duration.ts';
import { endpointSettings, type Joined, networkSettings, portList } from './network-json.ts';

const unixSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** `docker ps`'s STATUS column. */
export function statusText(record: ContainerRecord, now = Date.now()): string {
  const s = record.state;
  switch (s.status) {
    case 'created':
      return 'Created';
    case 'running':
      return `Up ${humanDuration(now - Date.parse(s.startedAt))}`;
    case 'paused':
      return `Up ${humanDuration(now - Date.parse(s.startedAt))} (Paused)`;
    case 'restarting':
      return `Restarting (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'exited':
      return s.finishedAt === ZERO_TIME
        ? 'Exited'
        : `Exited (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
    default: {
      const unreachable: never = s.status;
      return unreachable;
    }
  }
}

/** Docker joins path and args with spaces, no quoting: `docker ps` shows exactly that, truncated. */
export function commandLine(record: ContainerRecord): string {
  return [record.path, ...record.args].join(' ');
}

function mounts(record: ContainerRecord, volumeDir: (name: string) => string) {
  return record.spec.host.mounts.map((m) => {
    if (m.type === 'volume') {
      const v = record.volumes.find((x) => x.target === m.target);
      return {
        Type: 'volume',
        Name: v?.name ?? '',
        Source: v ? volumeDir(v.name) : '',
        Destination: m.target,
        Driver: 'local',
        Mode: 'z',
        RW: !m.readOnly,
        Propagation: '',
      };
    }
    if (m.type === 'bind')
      return {
        Type: 'bind',
        Source: m.source,
        Destination: m.target,
        Mode: '',
        RW: !m.readOnly,
        Propagation: 'rprivate',
      };
    return { Type: 'tmpfs', Source: '', Destination: m.target, Mode: '', RW: !m.readOnly, Propagation: '' };
  });
}

/** HostConfig.PortBindings as the client sent them: "80/tcp" → [{HostIp, HostPort}] */
function portBindings(ports: PortBinding[]): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports) {
    const hostPort = p.hostPort === 0 ? '' : `${p.hostPort}${p.hostPortEnd ? `-${p.hostPortEnd}` : ''}`;
    const key = `${p.containerPort}/${p.protocol}`;
    out[key] = [...(out[key] ?? []), { HostIp: p.hostIp, HostPort: hostPort }];
  }
  return out;
}

/** An item of GET /containers/json. */
export function containerSummary(
  record: ContainerRecord,
  volumeDir: (name: string) => string,
  joined: Joined,
  size?: { sizeRw: number; sizeRootFs: number },
) {
  return {
    Id: record.id,
    Names: [`/${record.name}`],
    Image: record.imageRef,
    ImageID: record.imageId,
    Command: commandLine(record),
    Created: unixSeconds(record.created),
    Ports: portList(record, joined),
    Labels: record.spec.labels,
    State: record.state.status,
    Status: statusText(record),
    HostConfig: { NetworkMode: record.spec.network.mode },
    NetworkSettings: {
      Networks: Object.fromEntries(
        joined.map(({ network, endpoint }) => [
          network.name,
          endpointSettings(network, endpoint, record.hostname),
        ]),
      ),
    },
    Mounts: mounts(record, volumeDir),
    ...(size ? { SizeRw: size.sizeRw, SizeRootFs: size.sizeRootFs } : {}),
  };
}

/** GET /containers/{id}/json: the fields `docker inspect` shows, in Docker's shape. */
export function containerInspect(
  record: ContainerRecord,
  volumeDir: (name: string) => string,
  execIds: string[],
  joined: Joined,
  size?: { sizeRw: number; sizeRootFs: number },
) {
  const s = record.state;
  const spec = record.spec;
  const r = spec.host.resources;
  return {
    Id: record.id,
    Created: record.created,
    Path: record.path,
    Args: record.args,
    State: {
      Status: s.status,
      Running: s.status === 'running' || s.status === 'paused',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      Dead: s.status === 'dead',
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
    },
    Image: record.imageId,
    ResolvConfPath: record.resolvConfPath,
    HostnamePath: record.hostnamePath,
    HostsPath: record.hostsPath,
    LogPath: record.logPath,
    Name: `/${record.name}`,
    RestartCount: s.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds.length > 0 ? execIds : null,
    HostConfig: {
      Binds: spec.host.mounts
        .filter((m) => m.type === 'bind')
        .map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
      LogConfig: {
        Type: 'json-file',
        Config: {
          ...(spec.host.logConfig.maxSizeBytes
            ? { 'max-size': String(spec.host.logConfig.maxSizeBytes) }
            : {}),
          'max-file': String(spec.host.logConfig.maxFiles),
        },
      },
      NetworkMode: record.spec.network.mode,
      PortBindings: portBindings(spec.network.ports),
      PublishAllPorts: spec.network.publishAll,
      Dns: spec.network.dns,
      DnsSearch: spec.network.dnsSearch,
      DnsOptions: spec.network.dnsOptions,
      ExtraHosts: spec.network.extraHosts.length > 0 ? spec.network.extraHosts : null,
      RestartPolicy: {
        Name: spec.host.restartPolicy.name,
        MaximumRetryCount: spec.host.restartPolicy.maximumRetryCount,
      },
      AutoRemove: spec.host.autoRemove,
      CapAdd: spec.host.capAdd.length ? spec.host.capAdd : null,
      CapDrop: spec.host.capDrop.length ? spec.host.capDrop : null,
      Privileged: spec.host.privileged,
      ReadonlyRootfs: spec.host.readonlyRootfs,
      SecurityOpt: spec.host.noNewPrivileges ? ['no-new-privileges'] : null,
      Tmpfs: Object.fromEntries(
        spec.host.mounts.filter((m) => m.type === 'tmpfs').map((m) => [m.target, '']),
      ),
      ShmSize: spec.host.shmSizeBytes ?? 64 * 1024 * 1024,
      Init: spec.host.init,
      UsernsMode: spec.host.usernsMode,
      Memory: r.memoryBytes ?? 0,
      MemorySwap: r.memorySwapBytes ?? 0,
      MemoryReservation: r.memoryReservationBytes ?? 0,
      NanoCpus: r.cpuQuotaUs && r.cpuPeriodUs ? Math.round((r.cpuQuotaUs / r.cpuPeriodUs) * 1e9) : 0,
      CpuShares: r.cpuShares ?? 0,
      CpuPeriod: r.cpuPeriodUs ?? 0,
      CpuQuota: r.cpuQuotaUs ?? 0,
      CpusetCpus: r.cpusetCpus ?? '',
      CpusetMems: r.cpusetMems ?? '',
      PidsLimit: r.pidsLimit ?? null,
      BlkioWeight: r.blkioWeight ?? 0,
      Ulimits: spec.host.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      Mounts: spec.host.mounts.map((m) => ({
        Type: m.type,
        Source: 'source' in m ? m.source : '',
        Target: m.target,
        ReadOnly: m.readOnly,
      })),
    },
    GraphDriver: {
      Name: 'overlay2',
      Data: {
        LowerDir: record.graphDriver.lowerDir,
        MergedDir: record.graphDriver.mergedDir,
        UpperDir: record.graphDriver.upperDir,
        WorkDir: record.graphDriver.workDir,
      },
    },
    ...(size ? { SizeRw: size.sizeRw, SizeRootFs: size.sizeRootFs } : {}),
    Mounts: mounts(record, volumeDir),
    Config: {
      Hostname: record.hostname,
      Domainname: spec.domainname ?? '',
      User: spec.user ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: spec.tty,
      OpenStdin: spec.openStdin,
      StdinOnce: spec.stdinOnce,
      Env: record.env,
      Cmd: spec.cmd ?? record.args,
      Image: record.imageRef,
      Volumes: null,
      WorkingDir: spec.workingDir ?? '',
      Entrypoint: spec.entrypoint ?? null,
      OnBuild: null,
      Labels: spec.labels,
      ExposedPorts:
        (record.exposedPorts ?? []).length > 0
          ? Object.fromEntries((record.exposedPorts ?? []).map((p) => [p, {}]))
          : null,
      ...(spec.stopSignal ? { StopSignal: spec.stopSignal } : {}),
      ...(spec.stopTimeout !== undefined ? { StopTimeout: spec.stopTimeout } : {}),
    },
    NetworkSettings: networkSettings(record, joined),
  };
}

import { cpus, freemem, loadavg, totalmem, uptime } from 'node:os';
import type {
  ContainerSummary,
  HostState,
  HostStats,
  ImageSummary,
  NetworkSummary,
  VolumeSummary,
} from '@berth/protocol';
import { commandLine } from '../docker-api/views/container-json.ts';
import type { ContainerRecord } from '../engine/containers/record.ts';
import { ZERO_TIME } from '../engine/containers/state.ts';
import type { Engine } from '../engine/engine.ts';
import type { NetworkRecord } from '../engine/network/record.ts';

/** What the control plane is told about the engine's objects, in the link's terms. */

const time = (iso: string): string | null => (iso === ZERO_TIME || iso === '' ? null : iso);

export function containerSummary(engine: Engine, record: ContainerRecord): ContainerSummary {
  return {
    id: record.id,
    name: record.name,
    image: record.imageRef,
    imageId: record.imageId,
    command: commandLine(record).slice(0, 4096),
    createdAt: record.created,
    startedAt: time(record.state.startedAt),
    finishedAt: time(record.state.finishedAt),
    status: record.state.status,
    exitCode: record.state.exitCode,
    labels: record.spec.labels,
    ports: engine.networks.networksOf(record.id).flatMap(({ endpoint }) =>
      endpoint.ports.map((p) => ({
        hostIp: p.hostIp,
        hostPort: p.hostPort,
        containerPort: p.containerPort,
        protocol: p.protocol,
      })),
    ),
  };
}

export async function imageSummaries(engine: Engine): Promise<ImageSummary[]> {
  return (await engine.images.list({ all: false })).map((i) => ({
    id: i.Id,
    repoTags: i.RepoTags,
    sizeBytes: i.Size,
    createdAt: new Date(i.Created * 1000).toISOString(),
  }));
}

export async function volumeSummaries(engine: Engine): Promise<VolumeSummary[]> {
  return (await engine.volumes.list()).map((v) => ({
    name: v.Name,
    driver: v.Driver,
    mountpoint: v.Mountpoint,
    createdAt: v.CreatedAt,
    labels: v.Labels,
  }));
}

export function networkSummary(n: NetworkRecord): NetworkSummary {
  return { id: n.id, name: n.name, driver: 'bridge', subnet: n.subnet };
}

export function networkSummaries(engine: Engine): NetworkSummary[] {
  return engine.networks.list().map(networkSummary);
}

/** busy and total CPU time over every CPU at the previous report */
let lastCpu = cpuTimes();

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** the CPUs' busy share since the previous call (the previous report) */
function cpuPercentSinceLast(): number {
  const now = cpuTimes();
  const total = now.total - lastCpu.total;
  const busy = now.busy - lastCpu.busy;
  lastCpu = now;
  return total > 0 ? Math.min(100, Math.max(0, (busy / total) * 100)) : 0;
}

/** each container's cgroup CPU time at the previous report, to turn into a share of one CPU */
const lastContainerCpu = new Map<string, { usageNs: number; atNs: bigint }>();

/** Running containers' CPU (since the previous report) and memory, from their cgroups. */
async function containerUse(engine: Engine): Promise<HostStats['containers']> {
  const running = engine.containers.list().filter((c) => c.state.status === 'running');
  const now = process.hrtime.bigint();
  const use = await Promise.all(
    running.map(async (c) => {
      const stats = await (await engine.cgroups.open(c.id))?.stats().catch(() => undefined);
      if (!stats) return [];
      const last = lastContainerCpu.get(c.id);
      lastContainerCpu.set(c.id, { usageNs: stats.cpu.usageNs, atNs: now });
      const elapsedNs = last ? Number(now - last.atNs) : 0;
      const cpuPercent =
        last && elapsedNs > 0 ? Math.max(0, ((stats.cpu.usageNs - last.usageNs) / elapsedNs) * 100) : 0;
      return [{ id: c.id, cpuPercent, memoryBytes: stats.memory.usageBytes }];
    }),
  );
  for (const id of lastContainerCpu.keys())
    if (!running.some((c) => c.id === id)) lastContainerCpu.delete(id);
  return use.flat();
}

export async function hostStats(engine: Engine): Promise<HostStats> {
  return {
    containers: await containerUse(engine),
    load1: loadavg()[0] ?? 0,
    cpuPercent: cpuPercentSinceLast(),
    memoryTotalBytes: totalmem(),
    memoryAvailableBytes: freemem(),
    containersRunning: engine.containers.list().filter((c) => c.state.status === 'running').length,
    uptimeSeconds: uptime(),
  };
}

export async function hostState(engine: Engine): Promise<HostState> {
  return {
    containers: engine.containers.list().map((c) => containerSummary(engine, c)),
    images: await imageSummaries(engine),
    volumes: await volumeSummaries(engine),
    networks: networkSummaries(engine),
    stats: await hostStats(engine),
  };
}

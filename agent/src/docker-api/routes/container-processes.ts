import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { CgroupStats } from '../../engine/cgroups/types.ts';
import { containerProcesses } from '../../engine/containers/top.ts';
import type { Engine } from '../../engine/engine.ts';
import { queryFlag, sendJson } from '../respond.ts';
import type { Router } from '../router.ts';

/** The host's total CPU time in nanoseconds, from /proc/stat (USER_HZ = 100), as Docker's system_cpu_usage. */
async function systemCpuNs(): Promise<number> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const ticks = line
    .trim()
    .split(/\s+/)
    .slice(1, 8)
    .map(Number)
    .reduce((a, b) => a + b, 0);
  return ticks * 10_000_000;
}

function statsJson(
  id: string,
  name: string,
  s: CgroupStats,
  systemNs: number,
  onlineCpus: number,
  pre: ReturnType<typeof cpuPart> | undefined,
  read: string,
  preread: string,
) {
  return {
    read,
    preread,
    pids_stats: { current: s.pids.current, limit: s.pids.limit },
    blkio_stats: {
      io_service_bytes_recursive: [
        { major: 0, minor: 0, op: 'read', value: s.blkio.readBytes },
        { major: 0, minor: 0, op: 'write', value: s.blkio.writeBytes },
      ],
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuPart(s, systemNs, onlineCpus),
    precpu_stats: pre ?? {
      cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
      throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
    },
    memory_stats: {
      usage: s.memory.usageBytes,
      max_usage: s.memory.maxUsageBytes,
      limit: s.memory.limitBytes,
      stats: { cache: s.memory.cacheBytes, inactive_file: s.memory.cacheBytes },
      failcnt: 0,
    },
    name: `/${name}`,
    id,
  };
}

function cpuPart(s: CgroupStats, systemNs: number, onlineCpus: number) {
  return {
    cpu_usage: {
      total_usage: s.cpu.usageNs,
      usage_in_kernelmode: s.cpu.systemNs,
      usage_in_usermode: s.cpu.userNs,
    },
    system_cpu_usage: systemNs,
    online_cpus: onlineCpus,
    throttling_data: {
      periods: s.cpu.periods,
      throttled_periods: s.cpu.throttledPeriods,
      throttled_time: s.cpu.throttledNs,
    },
  };
}

export function containerProcessRoutes(router: Router, engine: Engine): void {
  const { containers, cgroups } = engine;

  router.on('GET', '/containers/:id/top', async ({ res, params, query }) => {
    const record = containers.get(params.id!);
    const { titles, processes } = await containerProcesses(cgroups, record, query.get('ps_args') || '-ef');
    sendJson(res, 200, { Titles: titles, Processes: processes });
  });

  router.on('GET', '/containers/:id/stats', async ({ res, params, query }) => {
    const record = containers.get(params.id!);
    const stream = queryFlag(query, 'stream', true) && !queryFlag(query, 'one-shot');
    const onlineCpus = availableParallelism();
    const sample = async () => {
      const cgroup = await cgroups.open(record.id);
      return cgroup
        ? { stats: await cgroup.stats(), systemNs: await systemCpuNs(), at: new Date().toISOString() }
        : undefined;
    };
    const empty = () => ({
      read: '0001-01-01T00:00:00Z',
      preread: '0001-01-01T00:00:00Z',
      id: record.id,
      name: `/${record.name}`,
    });
    type Sample = NonNullable<Awaited<ReturnType<typeof sample>>>;
    const body = (now: Sample | undefined, before: Sample | undefined) =>
      now
        ? statsJson(
            record.id,
            record.name,
            now.stats,
            now.systemNs,
            onlineCpus,
            before ? cpuPart(before.stats, before.systemNs, onlineCpus) : undefined,
            now.at,
            before?.at ?? now.at,
          )
        : empty();
    let previous = await sample();
    if (!stream) {
      // --no-stream: two samples a moment apart, so the CLI can compute a CPU percentage
      await new Promise((r) => setTimeout(r, 100));
      sendJson(res, 200, body(await sample(), previous));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let open = true;
    res.on('close', () => {
      open = false;
    });
    while (open) {
      const now = await sample();
      res.write(`${JSON.stringify(body(now, previous))}\n`);
      previous = now;
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
}

/** What the fleet adds up to; only online hosts count toward capacity and use. */
export type HostCapacity = {
  status: string;
  cpus: number;
  memoryBytes: number;
  /** the agent's latest report; null before one came */
  stats?: { cpuPercent: number; memoryTotalBytes: number; memoryAvailableBytes: number } | null;
};

export function fleetTotals(hosts: readonly HostCapacity[]) {
  const online = hosts.filter((host) => host.status === 'online');
  const reporting = online.filter((host) => host.stats);
  const reportingCpus = reporting.reduce((sum, host) => sum + host.cpus, 0);
  return {
    hosts: hosts.length,
    online: online.length,
    cpus: online.reduce((sum, host) => sum + host.cpus, 0),
    memoryBytes: online.reduce((sum, host) => sum + host.memoryBytes, 0),
    /** every reporting CPU's busy share, weighted by how many CPUs each host has */
    cpuPercent:
      reportingCpus > 0
        ? reporting.reduce((sum, host) => sum + (host.stats?.cpuPercent ?? 0) * host.cpus, 0) / reportingCpus
        : null,
    memoryUsedBytes: reporting.length > 0 ? reporting.reduce((sum, host) => sum + memoryUsed(host), 0) : null,
  };
}

export function memoryUsed(host: HostCapacity): number {
  return host.stats ? host.stats.memoryTotalBytes - host.stats.memoryAvailableBytes : 0;
}

type Count = { running: number; total: number };

/** Running and total containers, for the fleet and per host. */
export function containerCounts(containers: readonly { hostId: string; status: string }[]) {
  const all: Count = { running: 0, total: 0 };
  const byHost = new Map<string, Count>();
  for (const container of containers) {
    const host = byHost.get(container.hostId) ?? { running: 0, total: 0 };
    byHost.set(container.hostId, host);
    for (const count of [all, host]) {
      count.total++;
      if (container.status === 'running') count.running++;
    }
  }
  return { all, byHost };
}

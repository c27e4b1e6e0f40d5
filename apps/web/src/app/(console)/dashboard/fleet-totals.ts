/** What the fleet adds up to; only online hosts count toward capacity. */
export type HostCapacity = { status: string; cpus: number; memoryBytes: number };

export function fleetTotals(hosts: readonly HostCapacity[]) {
  const online = hosts.filter((host) => host.status === 'online');
  return {
    hosts: hosts.length,
    online: online.length,
    cpus: online.reduce((sum, host) => sum + host.cpus, 0),
    memoryBytes: online.reduce((sum, host) => sum + host.memoryBytes, 0),
  };
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

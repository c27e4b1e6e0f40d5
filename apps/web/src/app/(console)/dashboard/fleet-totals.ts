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

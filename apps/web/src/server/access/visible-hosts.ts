/** Lists across hosts keep only the rows of hosts the caller may see (asked once per host). */
export type HostVisibility = (hostId: string) => Promise<boolean>;

export async function keepVisible<T extends { hostId: string }>(
  rows: T[],
  visible?: HostVisibility,
): Promise<T[]> {
  if (!visible) return rows;
  const allowed = new Map<string, boolean>();
  for (const hostId of new Set(rows.map((r) => r.hostId))) allowed.set(hostId, await visible(hostId));
  return rows.filter((r) => allowed.get(r.hostId));
}

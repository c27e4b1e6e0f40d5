/**
 * Unit conversions between Docker's (cgroup v1) scales and cgroup v2's, the
 * same formulas runc uses so a container gets the same share on either host.
 */

/** cpu.shares 2..262144 → cpu.weight 1..10000 */
export function sharesToWeight(shares: number): number {
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

/** blkio.weight 10..1000 → io.weight 1..10000 */
export function blkioToIoWeight(weight: number): number {
  return 1 + Math.floor(((weight - 10) * 9999) / 990);
}

/** Default CFS period when a quota comes without one (Docker's and the kernel's). */
export const DEFAULT_CPU_PERIOD_US = 100_000;

/** "0-2,5" → [0,1,2,5]; undefined when the text is not a CPU/node list. */
export function parseCpuList(text: string): number[] | undefined {
  const t = text.trim();
  if (t === '') return [];
  const out = new Set<number>();
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65536) return undefined;
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** Shared by the benchmarks: timing and the one report format they print. */
export const msSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export function quantile(xs: number[], p: number): number {
  return [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
}

export function report(name: string, xs: number[], unit = 'ms'): void {
  const f = (v: number) => v.toFixed(1).padStart(7);
  console.log(
    `${name.padEnd(44)} median ${f(quantile(xs, 0.5))} ${unit}   p95 ${f(quantile(xs, 0.95))} ${unit}   (${xs.length} runs)`,
  );
}

import { ApiError } from './errors.ts';

/** Go duration units, as `until=24h` or `1h30m` are written. */
const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

function durationNanos(value: string): bigint | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, n, , unit] of value.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(n) * (UNIT_NANOS[unit ?? 's'] ?? 0);
  }
  return BigInt(Math.round(total));
}

/**
 * A time as Docker's API takes it, in unix nanoseconds: `seconds[.fraction]`
 * (what the CLI sends for --since/--until, kept exact to the nanosecond),
 * a Go duration meaning that long before now (`until=24h`), or an RFC 3339
 * date or date-time.
 */
export function parseDockerTime(value: string, nowMs = Date.now()): bigint {
  const stamp = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (stamp) {
    const fraction = (stamp[2] ?? '').padEnd(9, '0');
    return BigInt(stamp[1] ?? '0') * 1_000_000_000n + BigInt(fraction);
  }
  const ago = durationNanos(value);
  if (ago !== undefined) return BigInt(nowMs) * 1_000_000n - ago;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return BigInt(ms) * 1_000_000n;
  }
  throw new ApiError(400, `invalid timestamp or duration: ${JSON.stringify(value)}`);
}

/** Go's RFC3339Nano, as Docker prints times: no trailing zeros in the fraction (`…T00:00:00Z`). */
export function rfc3339(iso: string): string {
  return iso.replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

import { z } from 'zod';
import { EngineError } from '../errors.ts';

/**
 * The on-disk log format, shared with the C monitor in agent/native (Docker's
 * json-file driver, so `docker logs` tooling and habits carry over):
 *
 * - File `<dir>/<id>-json.log`, UTF-8, one JSON object per line, each line
 *   ended by a single `\n`, written with one write(2) so a reader never sees
 *   half an object except at the very end of the file:
 *       {"log":"hello\n","stream":"stdout","time":"2026-11-22T14:00:00.123456789Z"}
 * - `log` is the output text including its trailing `\n`. A line longer than
 *   the monitor's buffer (16 KiB, as Docker) is split into several records;
 *   only the last one ends with `\n`. Bytes that are not valid UTF-8 are
 *   written as U+FFFD. JSON escaping as JSON.stringify does it.
 * - `stream` is `stdout` or `stderr` (a TTY container only has `stdout`).
 * - `time` is UTC, RFC 3339 with 9 fraction digits and `Z` (the reader also
 *   accepts 0–9 digits and a numeric offset, as Docker writes RFC3339Nano).
 *   Times are those the monitor read the bytes at; they do not go backwards
 *   within a file.
 * - Rotation by size: before a record would take the file past max-size, the
 *   writer renames `<id>-json.log.(N-1)` → `.N` … `.1` → `.2`, the live file →
 *   `.1` (dropping what would exceed max-file - 1 rotated files) and starts a
 *   new, empty `<id>-json.log`. With max-file 1 it truncates instead. The
 *   reader keeps its open descriptor across a rename, so no record is lost.
 */
export const LogStream = z.enum(['stdout', 'stderr']);
export type LogStream = z.infer<typeof LogStream>;

export const LogRecord = z.object({
  log: z.string(),
  stream: LogStream,
  time: z.string(),
});
export type LogRecord = z.infer<typeof LogRecord>;

/** One record as the reader hands it out. */
export interface LogEntry {
  stream: LogStream;
  /** RFC 3339 time as written, nanoseconds included */
  time: string;
  /** the text, `\n` included when the record ends a line */
  line: string;
}

const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** RFC 3339 time → nanoseconds since the epoch; undefined when malformed. */
export function parseTimeNs(time: string): bigint | undefined {
  const m = TIME.exec(time);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3] === 'Z' ? 'Z' : m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Nanoseconds since the epoch → `2026-11-22T14:00:00.123456789Z`. */
export function formatTimeNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${frac}Z`;
}

/** The current time with nanoseconds (the clock gives microseconds; the rest stays zero). */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/**
 * A time bound as the API gives it: bigint nanoseconds, a Date, an RFC 3339
 * string, or Unix seconds with an optional fraction ("1700000000.5", Docker's
 * `since` query parameter).
 */
export type TimeBound = bigint | Date | string;

export function boundToNs(bound: TimeBound): bigint {
  if (typeof bound === 'bigint') return bound;
  if (bound instanceof Date) return BigInt(bound.getTime()) * 1_000_000n;
  const unix = /^(\d+)(?:\.(\d{1,9}))?$/.exec(bound);
  if (unix) return BigInt(unix[1] ?? '0') * 1_000_000_000n + BigInt((unix[2] ?? '').padEnd(9, '0'));
  const ns = parseTimeNs(bound);
  if (ns === undefined)
    throw new EngineError('invalid', `${JSON.stringify(bound)} is neither an RFC 3339 time nor Unix seconds`);
  return ns;
}

export function encodeRecord(entry: LogEntry): string {
  return `${JSON.stringify({ log: entry.line, stream: entry.stream, time: entry.time })}\n`;
}

/** One file line (without its `\n`) → entry; undefined for a torn or foreign line. */
export function decodeRecord(text: string): (LogEntry & { ns: bigint }) | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = LogRecord.safeParse(raw);
  if (!r.success) return undefined;
  const ns = parseTimeNs(r.data.time);
  if (ns === undefined) return undefined;
  return { stream: r.data.stream, time: r.data.time, line: r.data.log, ns };
}

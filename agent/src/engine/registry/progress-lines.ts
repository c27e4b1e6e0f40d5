import type { ProgressEvent } from './progress.ts';

/**
 * Docker's JSON progress stream, one JSON object per line, as the Engine
 * API streams it for POST /images/create and /images/{name}/push:
 *   {"status":"Downloading","progressDetail":{"current":1,"total":2},"progress":"[=>  ] 1B/2B","id":"0123456789ab"}
 */
export interface JsonMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: { message: string };
}

export interface ProgressFormatterOptions {
  /** least time between two byte-count lines of one layer; status changes always pass (default 100 ms) */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Turns events into newline-terminated JSON lines. Byte-count updates of a
 * layer are throttled (a fast local download would otherwise emit a line
 * per 16 KiB chunk), but the last one of a phase (current = total) passes.
 */
export function createProgressFormatter(options: ProgressFormatterOptions = {}) {
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? Date.now;
  const lastSent = new Map<string, { at: number; status: string }>();
  return {
    format(event: ProgressEvent): string[] {
      const message = toJsonMessage(event);
      if (message === undefined) return [];
      if (event.kind === 'layer' && event.current !== undefined) {
        const key = event.id;
        const prev = lastSent.get(key);
        const t = now();
        const final = event.total !== undefined && event.current >= event.total;
        if (prev && prev.status === event.status && !final && t - prev.at < interval) return [];
        lastSent.set(key, { at: t, status: event.status });
      } else if (event.kind === 'layer') {
        lastSent.delete(event.id);
      }
      const lines = [`${JSON.stringify(message)}\n`];
      if (event.kind === 'pushed') {
        const aux: JsonMessage = {
          progressDetail: {},
          aux: { Tag: event.tag, Digest: event.digest, Size: event.size },
        };
        lines.push(`${JSON.stringify(aux)}\n`);
      }
      return lines;
    },
  };
}

/** The line for a failure mid-stream (the HTTP status is already 200 by then). */
export function formatProgressError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `${JSON.stringify({ errorDetail: { message }, error: message } satisfies JsonMessage)}\n`;
}

export function toJsonMessage(event: ProgressEvent): JsonMessage | undefined {
  switch (event.kind) {
    case 'start':
      return event.action === 'pull'
        ? { status: `Pulling from ${event.repository}`, id: event.tag }
        : { status: `The push refers to repository [${event.repository}]` };
    case 'layer': {
      if (event.current === undefined) return { status: event.status, progressDetail: {}, id: event.id };
      const detail =
        event.total === undefined
          ? { current: event.current }
          : { current: event.current, total: event.total };
      return {
        status: event.status,
        progressDetail: detail,
        progress: progressBar(event.current, event.total),
        id: event.id,
      };
    }
    case 'digest':
      return { status: `Digest: ${event.digest}` };
    case 'done':
      return {
        status: event.upToDate
          ? `Status: Image is up to date for ${event.reference}`
          : `Status: Downloaded newer image for ${event.reference}`,
      };
    case 'pushed':
      return { status: `${event.tag}: digest: ${event.digest} size: ${event.size}` };
  }
}

/** moby's JSONProgress.String() at its server-side width: `[=====>     ]  1.05MB/2.1MB` */
export function progressBar(current: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return current <= 0 ? '' : humanSize(current).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(pct)}>${' '.repeat(50 - pct)}] `;
  const numbers =
    current > total
      ? humanSize(current).padStart(8)
      : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** go-units HumanSize: decimal units, four significant digits (`32.77kB`, `2.1MB`, `512B`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}

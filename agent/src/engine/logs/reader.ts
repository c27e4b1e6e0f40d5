import { watch } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../errors.ts';
import { livePath, logFiles } from './files.ts';
import { boundToNs, decodeRecord, type LogEntry, nowNs, type TimeBound } from './format.ts';
import { LineReader, lastLineEnd, linesBackward } from './line-reader.ts';

export interface ReadLogsOptions {
  /** default true */
  stdout?: boolean;
  /** default true */
  stderr?: boolean;
  /** only the last N records that pass the other filters; absent or negative: all */
  tail?: number;
  /** records at or after this time */
  since?: TimeBound;
  /** records at or before this time; a follower stops once it is past */
  until?: TimeBound;
  /** prefix each line with its time and a blank, as `docker logs -t` */
  timestamps?: boolean;
  /** keep streaming what the container writes after the current end */
  follow?: boolean;
  /** stops a follower (and a plain read) */
  signal?: AbortSignal;
  /** settles when the container has exited: a follower drains what is left and ends */
  exited?: Promise<unknown>;
  /** how often a follower looks for news when no file event woke it; default 250 ms */
  pollMs?: number;
}

type Decoded = NonNullable<ReturnType<typeof decodeRecord>>;

interface Filter {
  pass(e: Decoded): boolean;
  untilNs: bigint | undefined;
}

function makeFilter(o: ReadLogsOptions): Filter {
  const sinceNs = o.since === undefined ? undefined : boundToNs(o.since);
  const untilNs = o.until === undefined ? undefined : boundToNs(o.until);
  const stdout = o.stdout ?? true;
  const stderr = o.stderr ?? true;
  return {
    untilNs,
    pass: (e) =>
      (e.stream === 'stdout' ? stdout : stderr) &&
      (sinceNs === undefined || e.ns >= sinceNs) &&
      (untilNs === undefined || e.ns <= untilNs),
  };
}

function present(e: Decoded, timestamps: boolean): LogEntry {
  return { stream: e.stream, time: e.time, line: timestamps ? `${e.time} ${e.line}` : e.line };
}

async function openAll(paths: string[]): Promise<FileHandle[]> {
  const out: FileHandle[] = [];
  for (const p of paths) {
    try {
      out.push(await open(p, 'r'));
    } catch (err) {
      // rotated away between listing and opening: the writer dropped the oldest file
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out;
}

/**
 * A container's log records, oldest first, across rotated files; with
 * `follow`, then everything written later, across rotations, until the
 * signal aborts, `exited` settles and the files are drained, or `until` passes.
 */
export async function* readLogs(
  dir: string,
  id: string,
  options: ReadLogsOptions = {},
): AsyncGenerator<LogEntry> {
  const filter = makeFilter(options);
  const timestamps = options.timestamps ?? false;
  // Opening every file before reading pins what each holds: a rotation in
  // between renames them, but an open descriptor keeps its file.
  const handles = await openAll(await logFiles(dir, id));
  if (handles.length === 0 && !options.follow) {
    throw new EngineError('not_found', `no log file for container ${id} in ${dir}`);
  }
  let live: LineReader | undefined;
  // the newest record already passed over, so a follower never reads it twice
  let lastNs: bigint | undefined;
  try {
    const tail = options.tail ?? -1;
    if (tail >= 0) {
      const last = handles.at(-1);
      const liveEnd = last === undefined ? 0 : (await last.stat()).size;
      for (const e of await tailEntries(handles, liveEnd, tail, filter)) yield present(e, timestamps);
      if (last !== undefined) live = new LineReader(last, await lastLineEnd(last, liveEnd));
      lastNs = await lastRecordNs(handles, liveEnd);
    } else {
      for (const fh of handles) {
        const r = new LineReader(fh);
        for await (const text of r.lines()) {
          if (options.signal?.aborted) return;
          const e = decodeRecord(text);
          if (e === undefined) continue;
          lastNs = e.ns;
          if (filter.untilNs !== undefined && e.ns > filter.untilNs) break;
          if (filter.pass(e)) yield present(e, timestamps);
        }
        live = r;
      }
    }
    if (options.follow) {
      yield* follow(dir, id, live, lastNs, filter, timestamps, options);
    }
  } finally {
    for (const fh of handles) await fh.close().catch(() => undefined);
  }
}

/** The time of the newest complete record in the files (the live one up to `liveEnd`). */
async function lastRecordNs(handles: FileHandle[], liveEnd: number): Promise<bigint | undefined> {
  for (let i = handles.length - 1; i >= 0; i--) {
    const fh = handles[i]!;
    const end = i === handles.length - 1 ? liveEnd : (await fh.stat()).size;
    for await (const text of linesBackward(fh, end)) {
      const e = decodeRecord(text);
      if (e !== undefined) return e.ns;
    }
  }
  return undefined;
}

async function tailEntries(
  handles: FileHandle[],
  liveEnd: number,
  n: number,
  filter: Filter,
): Promise<Decoded[]> {
  const newestFirst: Decoded[] = [];
  if (n === 0) return newestFirst;
  for (let i = handles.length - 1; i >= 0; i--) {
    const fh = handles[i];
    if (fh === undefined) continue;
    const end = i === handles.length - 1 ? liveEnd : (await fh.stat()).size;
    for await (const text of linesBackward(fh, end)) {
      const e = decodeRecord(text);
      if (e === undefined || !filter.pass(e)) continue;
      newestFirst.push(e);
      if (newestFirst.length >= n) return newestFirst.reverse();
    }
  }
  return newestFirst.reverse();
}

async function* follow(
  dir: string,
  id: string,
  start: LineReader | undefined,
  startNs: bigint | undefined,
  filter: Filter,
  timestamps: boolean,
  o: ReadLogsOptions,
): AsyncGenerator<LogEntry> {
  let current = start;
  // handles this function opened; the caller closes the ones it passed in
  const opened = new Set<FileHandle>();
  const release = async (fh: FileHandle) => {
    if (opened.delete(fh)) await fh.close().catch(() => undefined);
  };
  let exited = false;
  void o.exited?.then(
    () => {
      exited = true;
      wake();
    },
    () => {
      exited = true;
      wake();
    },
  );
  let wakeUp: (() => void) | undefined;
  const wake = () => wakeUp?.();
  const onAbort = () => wake();
  o.signal?.addEventListener('abort', onAbort);
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(dir, { persistent: false }, () => wake());
    watcher.on('error', () => undefined);
  } catch {
    // no inotify here: polling alone still works
  }

  // the time of the newest record read: what a newer file must start after
  let lastNs = startNs;

  /** yields what `r` has now; false once `until` is behind us */
  async function* drain(r: LineReader): AsyncGenerator<LogEntry, boolean> {
    await r.checkTruncated();
    for await (const text of r.lines()) {
      const e = decodeRecord(text);
      if (e === undefined) continue;
      lastNs = e.ns;
      if (filter.untilNs !== undefined && e.ns > filter.untilNs) return false;
      if (filter.pass(e)) yield present(e, timestamps);
    }
    return true;
  }

  try {
    for (;;) {
      if (o.signal?.aborted) return;
      const sawExit = exited;
      if (current !== undefined && !(yield* drain(current))) return;
      // A rotation renamed the file we hold. What we have not read is in the
      // files that start after our last record: opened (so a further rotation
      // cannot swap them under us), then read oldest first; the newest is
      // followed from then on. One that was dropped already is lost, as with Docker.
      const next = await newerFiles(dir, id, current, lastNs);
      if (next === undefined) {
        if (sawExit) return;
        if (filter.untilNs !== undefined && nowNs() > filter.untilNs) return;
        // the exit may have been reported while we drained: look once more, then end
        if (exited || o.signal?.aborted) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, o.pollMs ?? 250);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = undefined;
        continue;
      }
      for (const fh of next) opened.add(fh);
      const newest = next.at(-1);
      for (const fh of next) {
        const r = new LineReader(fh);
        if (fh !== newest) {
          const more = yield* drain(r);
          await release(fh);
          if (!more) return;
        } else {
          if (current !== undefined) await release(current.fh);
          current = r;
        }
      }
      // Between the rename and the writer's create there is no live file yet.
      if (next.length === 0) await sleep(5);
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    watcher?.close();
    for (const fh of [...opened]) await release(fh);
  }
}

/**
 * undefined while `current` is still the live file; else the log files,
 * opened, that start after `afterNs`, oldest first (an empty live file last).
 */
async function newerFiles(
  dir: string,
  id: string,
  current: LineReader | undefined,
  afterNs: bigint | undefined,
): Promise<FileHandle[] | undefined> {
  let liveIno: number | undefined;
  try {
    liveIno = (await stat(livePath(dir, id))).ino;
  } catch {
    if (current === undefined) return undefined;
  }
  const mine = await current?.fh.stat();
  if (mine !== undefined && mine.nlink > 0 && mine.ino === liveIno) return undefined;
  if (liveIno === undefined) return [];
  const found: { fh: FileHandle; first: bigint }[] = [];
  const seen = new Set<number>();
  for (const fh of await openStable(dir, id)) {
    const st = await fh.stat();
    const first = await firstRecordNs(fh);
    // ours (still named), one listed twice across a rotation, or all read already
    const skip =
      (mine !== undefined && mine.nlink > 0 && st.ino === mine.ino) ||
      seen.has(st.ino) ||
      (first !== undefined && afterNs !== undefined && first <= afterNs);
    seen.add(st.ino);
    if (skip) await fh.close().catch(() => undefined);
    else found.push({ fh, first: first ?? BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000_000n });
  }
  return found.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0)).map((f) => f.fh);
}

/**
 * Every log file, opened, from a moment when no rotation ran: a rotation
 * between listing and opening shifts files to other names, so the names
 * opened could skip one. Retried until two listings agree (rotations are
 * rare next to an open), then taken as they are.
 */
async function openStable(dir: string, id: string): Promise<FileHandle[]> {
  const inodes = async (paths: string[]) =>
    (
      await Promise.all(
        paths.map((p) =>
          stat(p).then(
            (st) => st.ino,
            () => -1,
          ),
        ),
      )
    ).join(',');
  for (let attempt = 0; ; attempt++) {
    const paths = await logFiles(dir, id);
    const before = await inodes(paths);
    const handles = await openAll(paths);
    const names = await logFiles(dir, id);
    if (attempt >= 20 || (names.join() === paths.join() && (await inodes(names)) === before)) return handles;
    for (const fh of handles) await fh.close().catch(() => undefined);
  }
}

/** The time of a file's first complete record; undefined for a file with none yet. */
async function firstRecordNs(fh: FileHandle): Promise<bigint | undefined> {
  const buf = Buffer.alloc(64 * 1024);
  const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
  const text = buf.subarray(0, bytesRead).toString('utf8');
  for (const line of text.split('\n').slice(0, -1)) {
    const e = decodeRecord(line);
    if (e !== undefined) return e.ns;
  }
  return undefined;
}

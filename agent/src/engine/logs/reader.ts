import { watch } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
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
  const handles = await openStable(dir, id);
  if (handles.length === 0 && !options.follow) {
    throw new EngineError('not_found', `no log file for container ${id} in ${dir}`);
  }
  let live: LineReader | undefined;
  try {
    const tail = options.tail ?? -1;
    if (tail >= 0) {
      const last = handles.at(-1);
      const liveEnd = last === undefined ? 0 : (await last.stat()).size;
      for (const e of await tailEntries(handles, liveEnd, tail, filter)) yield present(e, timestamps);
      if (last !== undefined) live = new LineReader(last, await lastLineEnd(last, liveEnd));
    } else {
      for (const fh of handles) {
        const r = new LineReader(fh);
        for await (const text of r.lines()) {
          if (options.signal?.aborted) return;
          const e = decodeRecord(text);
          if (e === undefined) continue;
          if (filter.untilNs !== undefined && e.ns > filter.untilNs) break;
          if (filter.pass(e)) yield present(e, timestamps);
        }
        live = r;
      }
    }
    if (options.follow) {
      yield* follow(dir, id, live, filter, timestamps, options);
    }
  } finally {
    for (const fh of handles) await fh.close().catch(() => undefined);
  }
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
  // Set by every event, so that one that came while we were reading (a write,
  // the create that ends a rotation) is not slept through.
  let woken = false;
  let wakeUp: (() => void) | undefined;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  const onAbort = () => wake();
  o.signal?.addEventListener('abort', onAbort);
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(dir, { persistent: false }, () => wake());
    watcher.on('error', () => undefined);
  } catch {
    // no inotify here: polling alone still works
  }

  /** yields what `r` has now; false once `until` is behind us */
  async function* drain(r: LineReader): AsyncGenerator<LogEntry, boolean> {
    await r.checkTruncated();
    for await (const text of r.lines()) {
      const e = decodeRecord(text);
      if (e === undefined) continue;
      if (filter.untilNs !== undefined && e.ns > filter.untilNs) return false;
      if (filter.pass(e)) yield present(e, timestamps);
    }
    return true;
  }

  try {
    for (;;) {
      if (o.signal?.aborted) return;
      const sawExit = exited;
      woken = false;
      if (current !== undefined && !(yield* drain(current))) return;
      const next = await newerFiles(dir, id, current);
      if (next === undefined) {
        if (sawExit) return;
        if (filter.untilNs !== undefined && nowNs() > filter.untilNs) return;
        // an exit (look once more, then end) or a file event came while we read
        if (exited || o.signal?.aborted || woken) continue;
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
      // Rotated: the newer files are read oldest first, and the newest is
      // followed from then on. One that was dropped already is lost, as with Docker.
      for (const fh of next) opened.add(fh);
      for (const fh of next) {
        // A newer file exists, so the writer has left ours for good, but it may
        // have written more there between our drain above and its rotation:
        // read ours to its end through the descriptor we hold before moving on.
        if (current !== undefined) {
          const more = yield* drain(current);
          await release(current.fh);
          if (!more) return;
        }
        current = new LineReader(fh);
      }
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    watcher?.close();
    for (const fh of [...opened]) await release(fh);
  }
}

/**
 * The log files written after `current`, opened, oldest first; undefined while
 * there are none (`current` is still the file being written, or the writer is
 * between its rename and its create). Files are told apart by inode, not by
 * name or time: names shift at every rotation and times may repeat, while the
 * descriptor we hold keeps our inode from being reused.
 */
async function newerFiles(
  dir: string,
  id: string,
  current: LineReader | undefined,
): Promise<FileHandle[] | undefined> {
  const mine = current === undefined ? undefined : (await current.fh.stat()).ino;
  // the common case, checked without opening anything: ours is still the live file
  const liveIno = await stat(livePath(dir, id)).then(
    (st) => st.ino,
    () => undefined,
  );
  if (mine !== undefined && liveIno === mine) return undefined;
  const files = await openStable(dir, id);
  const inodes = await Promise.all(files.map(async (fh) => (await fh.stat()).ino));
  // not listed: the rotation dropped ours, so every file left is newer
  const at = mine === undefined ? -1 : inodes.indexOf(mine);
  for (const fh of files.slice(0, at + 1)) await fh.close().catch(() => undefined);
  return at + 1 < files.length ? files.slice(at + 1) : undefined;
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

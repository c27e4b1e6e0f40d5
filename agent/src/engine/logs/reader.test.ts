import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isEngineError } from '../errors.ts';
import { livePath } from './files.ts';
import { boundToNs, formatTimeNs, type LogEntry, parseTimeNs } from './format.ts';
import { type ReadLogsOptions, readLogs } from './reader.ts';
import { JsonLogWriter } from './writer.ts';

const root = mkdtempSync(join(tmpdir(), 'berth-logs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
const freshDir = () => mkdtempSync(join(root, `c${seq++}-`));

const T0 = parseTimeNs('2026-11-22T14:00:00.000000001Z') ?? 0n;
/** record i at T0 + i µs + i ns, so bounds can be checked to the nanosecond */
const at = (i: number) => T0 + BigInt(i) * 1000n + BigInt(i);

async function collect(it: AsyncIterable<LogEntry>): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}
const texts = (es: LogEntry[]) => es.map((e) => e.line.trimEnd());

/** 30 records alternating stdout/stderr, over rotated files */
async function sample(): Promise<string> {
  const dir = freshDir();
  const w = await JsonLogWriter.open(dir, 'c', { maxSizeBytes: 400, maxFiles: 20 });
  for (let i = 0; i < 30; i++) await w.write(i % 2 === 0 ? 'stdout' : 'stderr', `line ${i}\n`, at(i));
  await w.close();
  return dir;
}
const read = (dir: string, o: ReadLogsOptions = {}) => collect(readLogs(dir, 'c', o));

test('time format keeps nanoseconds', () => {
  const ns = parseTimeNs('2026-11-22T14:00:00.123456789Z');
  assert.equal(ns, BigInt(Date.parse('2026-11-22T14:00:00Z')) * 1_000_000n + 123_456_789n);
  assert.equal(formatTimeNs(ns ?? 0n), '2026-11-22T14:00:00.123456789Z');
  assert.equal(
    parseTimeNs('2026-11-22T15:00:00.5+01:00'),
    BigInt(Date.parse('2026-11-22T14:00:00Z')) * 1_000_000n + 500_000_000n,
  );
  assert.equal(boundToNs('1700000000.25'), 1_700_000_000_250_000_000n);
  assert.throws(
    () => boundToNs('yesterday'),
    (e) => isEngineError(e, 'invalid'),
  );
});

test('reads every record across rotated files, oldest first', async () => {
  const dir = await sample();
  assert.ok(readdirSync(dir).length > 3, 'the sample rotated');
  const all = await read(dir);
  assert.deepEqual(
    texts(all),
    Array.from({ length: 30 }, (_, i) => `line ${i}`),
  );
  assert.equal(all[1]?.stream, 'stderr');
  assert.equal(all[0]?.time, formatTimeNs(at(0)));
  assert.equal(all[0]?.line, 'line 0\n');
});

test('stdout / stderr selection', async () => {
  const dir = await sample();
  assert.deepEqual(texts(await read(dir, { stderr: false })).slice(0, 3), ['line 0', 'line 2', 'line 4']);
  assert.deepEqual(texts(await read(dir, { stdout: false })).slice(0, 2), ['line 1', 'line 3']);
  assert.deepEqual(await read(dir, { stdout: false, stderr: false }), []);
});

test('tail N counts records after the filters, across files', async () => {
  const dir = await sample();
  assert.deepEqual(texts(await read(dir, { tail: 3 })), ['line 27', 'line 28', 'line 29']);
  assert.deepEqual(texts(await read(dir, { tail: 2, stdout: false })), ['line 27', 'line 29']);
  assert.equal((await read(dir, { tail: 100 })).length, 30);
  assert.deepEqual(await read(dir, { tail: 0 }), []);
  assert.deepEqual(texts(await read(dir, { tail: 2, until: at(10) })), ['line 9', 'line 10']);
});

test('since / until are inclusive and exact to the nanosecond', async () => {
  const dir = await sample();
  assert.deepEqual(texts(await read(dir, { since: at(27) })), ['line 27', 'line 28', 'line 29']);
  assert.deepEqual(texts(await read(dir, { since: at(27) + 1n })), ['line 28', 'line 29']);
  assert.deepEqual(texts(await read(dir, { until: at(1) })), ['line 0', 'line 1']);
  assert.deepEqual(texts(await read(dir, { since: formatTimeNs(at(5)), until: formatTimeNs(at(6)) })), [
    'line 5',
    'line 6',
  ]);
});

test('timestamps prefix each line with its time', async () => {
  const dir = await sample();
  const [first] = await read(dir, { timestamps: true, tail: 1 });
  assert.equal(first?.line, `${formatTimeNs(at(29))} line 29\n`);
});

test('torn lines are skipped and a line without its newline waits', async () => {
  const dir = freshDir();
  const w = await JsonLogWriter.open(dir, 'c');
  await w.write('stdout', 'one\n', at(1));
  appendFileSync(livePath(dir, 'c'), '{"log":"torn\n');
  await w.write('stdout', 'two\n', at(2));
  appendFileSync(livePath(dir, 'c'), '{"log":"half","stream":"stdout","time":"2026-11-22T14:00:01Z"');
  await w.close();
  assert.deepEqual(texts(await read(dir)), ['one', 'two']);
  assert.deepEqual(texts(await read(dir, { tail: 5 })), ['one', 'two']);
});

test('a container without a log file is not_found', async () => {
  await assert.rejects(read(freshDir()), (e) => isEngineError(e, 'not_found'));
});

async function followWhileWriting(maxFiles: number, bursts: number): Promise<string[]> {
  const dir = freshDir();
  const w = await JsonLogWriter.open(dir, 'c', { maxSizeBytes: 300, maxFiles });
  await w.write('stdout', 'before 0\nbefore 1\n', at(0));
  const stop = new AbortController();
  const got: string[] = [];
  const done = (async () => {
    for await (const e of readLogs(dir, 'c', { follow: true, tail: 1, signal: stop.signal, pollMs: 20 })) {
      got.push(e.line.trimEnd());
    }
  })();
  await sleep(50);
  // ~100-byte records, 300-byte files: every burst of 10 rotates several times
  // between two looks of the reader
  for (let i = 0; i < bursts * 10; i++) {
    await w.write('stdout', `after ${i}\n`, at(i + 1));
    if (i % 10 === 9) await sleep(30);
  }
  await sleep(150);
  stop.abort();
  await done;
  await w.close();
  return got;
}

test('follow streams new records across rotations, none lost or repeated, until aborted', async () => {
  const got = await followWhileWriting(20, 4);
  assert.deepEqual(got, ['before 1', ...Array.from({ length: 40 }, (_, i) => `after ${i}`)]);
});

test('a writer that outruns max-file loses records, but a follower never repeats or reorders', async () => {
  // 2 files of 3 records: a burst deletes files the follower never saw (Docker's json-file does too)
  const got = (await followWhileWriting(2, 4))
    .filter((l) => l.startsWith('after'))
    .map((l) => Number(l.slice(6)));
  assert.ok(got.length > 0);
  for (let i = 1; i < got.length; i++)
    assert.ok((got[i] ?? 0) > (got[i - 1] ?? 0), `order broken at ${got.join(',')}`);
  assert.equal(got.at(-1), 39, 'the newest record arrives');
});

test('follow ends when told the container exited, after draining', async () => {
  const dir = freshDir();
  const w = await JsonLogWriter.open(dir, 'c', { maxSizeBytes: 250, maxFiles: 2 });
  let exit!: () => void;
  const exited = new Promise<void>((r) => {
    exit = r;
  });
  const it = collect(readLogs(dir, 'c', { follow: true, exited, pollMs: 1000 }));
  await sleep(30);
  for (let i = 0; i < 6; i++) await w.write(i % 2 ? 'stderr' : 'stdout', `x${i}\n`, at(i));
  exit();
  const got = await it;
  assert.deepEqual(texts(got), ['x0', 'x1', 'x2', 'x3', 'x4', 'x5']);
  await w.close();
});

test('follow picks up a line completed after it was seen half written', async () => {
  const dir = freshDir();
  writeFileSync(livePath(dir, 'c'), '');
  const stop = new AbortController();
  const got: string[] = [];
  const done = (async () => {
    for await (const e of readLogs(dir, 'c', { follow: true, signal: stop.signal, pollMs: 10 }))
      got.push(e.line);
  })();
  const record = JSON.stringify({ log: 'whole\n', stream: 'stdout', time: formatTimeNs(at(0)) });
  appendFileSync(livePath(dir, 'c'), record.slice(0, 10));
  await sleep(60);
  appendFileSync(livePath(dir, 'c'), `${record.slice(10)}\n`);
  await sleep(60);
  stop.abort();
  await done;
  assert.deepEqual(got, ['whole\n']);
});

test('follow with until stops once the time has passed', async () => {
  const dir = freshDir();
  const w = await JsonLogWriter.open(dir, 'c');
  await w.write('stdout', 'a\n', at(0));
  const got = await collect(
    readLogs(dir, 'c', { follow: true, until: new Date(Date.now() + 100), pollMs: 20 }),
  );
  assert.deepEqual(texts(got), ['a']);
  await w.close();
});

test('max-file 1 truncates and a follower starts over', async () => {
  const dir = freshDir();
  const w = await JsonLogWriter.open(dir, 'c', { maxSizeBytes: 200, maxFiles: 1 });
  const stop = new AbortController();
  const got: string[] = [];
  const done = (async () => {
    for await (const e of readLogs(dir, 'c', { follow: true, signal: stop.signal, pollMs: 10 }))
      got.push(e.line.trimEnd());
  })();
  await sleep(30);
  for (let i = 0; i < 4; i++) {
    await w.write('stdout', `t${i}\n`, at(i));
    await sleep(40);
  }
  stop.abort();
  await done;
  await w.close();
  assert.deepEqual(readdirSync(dir), ['c-json.log']);
  assert.deepEqual(got, ['t0', 't1', 't2', 't3']);
});

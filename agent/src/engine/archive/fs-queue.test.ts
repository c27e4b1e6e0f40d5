import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FsQueue, type QueuedFile } from './fs-queue.ts';

const dir = mkdtempSync(join(tmpdir(), 'berthtest-fsqueue-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('ops run in the order queued; writes to a file land whole and in order', async () => {
  const q = new FsQueue();
  const order: string[] = [];
  const file: QueuedFile = {};
  const path = join(dir, 'ordered');
  q.run(async () => {
    file.handle = await open(path, 'wx');
    order.push('open');
  });
  for (let i = 0; i < 100; i++) q.write(file, Buffer.from(`${i},`));
  q.run(async () => {
    order.push('close');
    await file.handle?.close();
  });
  await q.drained();
  assert.deepEqual(order, ['open', 'close']);
  assert.equal(readFileSync(path, 'utf8'), Array.from({ length: 100 }, (_, i) => `${i},`).join(''));
});

test('the first failure stops the queue and is what check() and drained() report', async () => {
  const q = new FsQueue();
  let ranAfter = false;
  q.run(async () => {
    await open(join(dir, 'missing-dir', 'x'), 'wx');
  });
  q.run(async () => {
    ranAfter = true;
  });
  await assert.rejects(q.drained(), { code: 'ENOENT' });
  assert.throws(() => q.check(), { code: 'ENOENT' });
  assert.equal(ranAfter, false, 'nothing after a failed op runs');
});

test('room() holds the producer back while more than the limit is queued', async () => {
  const q = new FsQueue(1024);
  const file: QueuedFile = {};
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  q.run(async () => {
    await gate;
    file.handle = await open(join(dir, 'held'), 'wx');
  });
  q.write(file, Buffer.alloc(4096));
  const room = q.room();
  assert.ok(room, 'over the limit: the producer must wait');
  let resumed = false;
  void room.then(() => {
    resumed = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(resumed, false);
  release();
  await room;
  assert.equal(q.room(), undefined);
  await q.drained();
  await file.handle?.close();
});

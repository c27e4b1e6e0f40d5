import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isEngineError } from '../errors.ts';
import type { ContentStore } from './content-store.ts';
import { sha256Digest } from './digest.ts';
import { LocalContentStore } from './local-content-store.ts';

/** The ContentStore contract; run against every implementation. */
export function contentStoreSuite(name: string, make: () => ContentStore & { root?: string }) {
  describe(`ContentStore: ${name}`, () => {
    it('commits a streamed write only when digest and size match', async () => {
      const s = make();
      const data = Buffer.from('hello berth');
      const d = sha256Digest(data);
      const w = await s.writer({ expected: d, size: data.length });
      await w.write(data.subarray(0, 5));
      await w.write(data.subarray(5));
      assert.equal(w.offset, data.length);
      const info = await w.commit();
      assert.deepEqual([info.digest, info.size], [d, data.length]);
      assert.deepEqual(await s.readBytes(d, 100), data);
      assert.equal((await s.info(d)).size, data.length);
      const chunks: Buffer[] = [];
      for await (const c of s.read(d)) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), data);
    });

    it('refuses a digest or size mismatch and leaves nothing behind', async () => {
      const s = make();
      const wrong = sha256Digest('something else');
      await assert.rejects(
        s.put(Buffer.from('payload'), { expected: wrong }),
        (e) => isEngineError(e, 'invalid') && /digest mismatch/.test(e.message),
      );
      await assert.rejects(s.put(Buffer.from('payload'), { size: 3 }), (e) => isEngineError(e, 'invalid'));
      await assert.rejects(s.put(Buffer.from('payload'), { maxSize: 3 }), (e) => isEngineError(e, 'invalid'));
      assert.equal(await s.has(wrong), false);
      assert.deepEqual(await s.list(), []);
      if (s.root) assert.deepEqual(readdirSync(join(s.root, 'ingest')), []);
    });

    it('lets concurrent writers of the same digest both succeed', async () => {
      const s = make();
      const data = Buffer.alloc(1 << 20, 7);
      const d = sha256Digest(data);
      const results = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const w = await s.writer({ expected: d });
          for (let i = 0; i < data.length; i += 65536) await w.write(data.subarray(i, i + 65536));
          return w.commit();
        }),
      );
      assert.ok(results.every((r) => r.digest === d));
      assert.equal((await s.list()).length, 1);
    });

    it('deletes, lists, walks; missing blobs are not_found', async () => {
      const s = make();
      const a = await s.put(Buffer.from('a'));
      const b = await s.put(Buffer.from('b'));
      const seen: string[] = [];
      await s.walk((i) => {
        seen.push(i.digest);
      });
      assert.deepEqual(seen.sort(), [a.digest, b.digest].sort());
      await s.delete(a.digest);
      assert.equal(await s.has(a.digest), false);
      await assert.rejects(s.info(a.digest), (e) => isEngineError(e, 'not_found'));
      await assert.rejects(s.delete(a.digest), (e) => isEngineError(e, 'not_found'));
      await assert.rejects(s.readBytes(a.digest, 10), (e) => isEngineError(e, 'not_found'));
      await assert.rejects(s.readBytes(b.digest, 0), (e) => isEngineError(e, 'invalid'));
      await assert.rejects(
        (async () => {
          for await (const _ of s.read(a.digest)) void _;
        })(),
        (e) => isEngineError(e, 'not_found'),
      );
    });
  });
}

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
contentStoreSuite('local', () => {
  const root = mkdtempSync(join(tmpdir(), 'berthtest-content-'));
  roots.push(root);
  return new LocalContentStore(root, { sync: false });
});

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decompressed } from './decompress.ts';

/** An input that never ends by itself, as a slow client's upload: only a release closes it. */
function endlessInput(first: Buffer): { input: PassThrough; closed: Promise<void> } {
  const input = new PassThrough();
  input.write(first);
  const closed = new Promise<void>((resolve) => input.once('close', () => resolve()));
  return { input, closed };
}

describe('decompressed() releases its input when the consumer stops early', () => {
  for (const [kind, first] of [
    ['uncompressed', Buffer.alloc(64 * 1024, 7)],
    ['gzip', gzipSync(Buffer.alloc(4 * 1024 * 1024, 7)).subarray(0, 2048)],
  ] as const) {
    it(`${kind}: a consumer that breaks out of its loop`, async () => {
      const { input, closed } = endlessInput(first);
      for await (const chunk of await decompressed(input)) {
        assert.ok(chunk.byteLength > 0);
        break;
      }
      await closed;
      assert.equal(input.destroyed, true);
    });

    it(`${kind}: a consumer that throws`, async () => {
      const { input, closed } = endlessInput(first);
      await assert.rejects(async () => {
        for await (const _ of await decompressed(input)) throw new Error('berthtest: bad entry');
      }, /berthtest: bad entry/);
      await closed;
      assert.equal(input.destroyed, true);
    });
  }

  it('a generator input (a stored blob being read) is returned, so its finally closes the file', async () => {
    let yielded = 0;
    let closeFile: () => void = () => {};
    const fileClosed = new Promise<void>((resolve) => {
      closeFile = resolve;
    });
    const chunk = gzipSync(Buffer.alloc(64 * 1024 * 1024, 1));
    async function* blob() {
      try {
        for (let at = 0; at < chunk.byteLength; at += 1024) {
          yielded++;
          yield chunk.subarray(at, at + 1024);
        }
      } finally {
        closeFile();
      }
    }
    for await (const _ of await decompressed(blob())) break;
    await fileClosed;
    assert.ok(yielded < chunk.byteLength / 1024, 'stopped before the end of the blob');
  });

  it('a whole input read to its end is left as it is', async () => {
    const input = new PassThrough();
    input.end(gzipSync(Buffer.from('all of it')));
    const parts: Buffer[] = [];
    for await (const chunk of await decompressed(input)) parts.push(chunk);
    assert.equal(Buffer.concat(parts).toString(), 'all of it');
  });
});

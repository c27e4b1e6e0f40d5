import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { EngineError } from '../errors.ts';

export type Compression = 'none' | 'gzip' | 'zstd';

export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/**
 * Returns the uncompressed bytes of a layer or archive, sniffing gzip/zstd
 * from the first bytes so callers need not trust a media type. zstd needs a
 * Node with zlib zstd support (22.15+); on Node 20 it is reported unavailable.
 */
export async function decompressed(input: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Buffer>> {
  const it = input[Symbol.asyncIterator]();
  const pending: Buffer[] = [];
  let buffered = 0;
  let done = false;
  while (buffered < 4) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    pending.push(b);
    buffered += b.byteLength;
  }
  const head = Buffer.concat(pending);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.byteLength > 0) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    }
  }
  const kind = detectCompression(head);
  if (kind === 'none') return replay();
  const make =
    kind === 'gzip'
      ? zlib.createGunzip
      : (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
  if (make === undefined)
    throw new EngineError('unavailable', 'zstd-compressed layers need Node 22.15 or later');
  const out = make();
  // pipeline, not pipe: a failing source must fail the reader instead of leaving it hanging
  pipeline(Readable.from(replay()), out, () => {});
  return out as unknown as AsyncIterable<Buffer>;
}

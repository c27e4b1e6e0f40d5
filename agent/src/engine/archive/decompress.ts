import { spawn } from 'node:child_process';
import { Duplex, PassThrough, pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { EngineError } from '../errors.ts';

export type Compression = 'none' | 'gzip' | 'zstd';

/**
 * gunzip's output chunk: zlib's 16 KiB default makes a thread-pool round trip
 * and a consumer step per 16 KiB; 128 KiB makes a layer pull about a
 * third faster (bench/registry-pull.ts).
 */
const OUTPUT_CHUNK = 128 * 1024;

export function detectCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/**
 * Returns the uncompressed bytes of a layer or archive, sniffing gzip/zstd
 * from the first bytes so callers need not trust a media type. zstd is
 * Node's own where it has it (22.15+), else Debian's `zstd` (one process per
 * layer, not per container).
 * A consumer that stops early (breaks, throws) closes the input: a Readable
 * is destroyed (pass `req.iterator({ destroyOnReturn: false })` to keep an
 * HTTP request alive for its error response), an iterator is returned.
 */
export async function decompressed(input: AsyncIterable<Uint8Array>): Promise<AsyncIterable<Buffer>> {
  const it = input[Symbol.asyncIterator]();
  let released = false;
  /**
   * Closes the input (a file handle, a socket) when the consumer stops
   * early or fails: a stream left open and paused would hold its fd, or keep
   * a client waiting on a body nobody reads. Called at once, not awaited: a
   * generator's return() waits for its pending next().
   */
  const release = () => {
    if (released) return;
    released = true;
    // a stream's iterator would close it only after its pending read, which may never come
    if (input instanceof Readable) input.destroy();
    else Promise.resolve(it.return?.()).catch(() => {});
  };
  const pending: Buffer[] = [];
  let buffered = 0;
  let done = false;
  try {
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
  } catch (err) {
    release();
    throw err;
  }
  if (done) released = true;
  const head = Buffer.concat(pending);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.byteLength > 0) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          released = true;
          return;
        }
        yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      }
    } finally {
      release();
    }
  }
  const kind = detectCompression(head);
  if (kind === 'none') return replay();
  const make = kind === 'gzip' ? () => zlib.createGunzip({ chunkSize: OUTPUT_CHUNK }) : zstdDecompressor;
  const out = make();
  // a consumer that stops reading destroys `out`; release the input with it (destroying the
  // generator-backed source would wait for replay()'s pending read, maybe forever)
  out.once('close', release);
  // pipeline, not pipe: a failing source must fail the reader instead of leaving it hanging
  pipeline(Readable.from(replay()), out, () => {});
  return out as unknown as AsyncIterable<Buffer>;
}

const nodeZstd = (zlib as unknown as { createZstdDecompress?: () => Duplex }).createZstdDecompress;

/** A zstd stream decoder: Node's, or `zstd -dc` (its default window limit bounds the memory a frame may ask). */
function zstdDecompressor(): Duplex {
  if (nodeZstd) return nodeZstd();
  const child = spawn('zstd', ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  // the output ends only once zstd has said, by its exit code, that the stream was whole
  const output = new PassThrough();
  child.stdout.pipe(output, { end: false });
  const duplex = Duplex.from({ writable: child.stdin, readable: output });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
  });
  child.on('error', (err: NodeJS.ErrnoException) => {
    output.destroy(
      err.code === 'ENOENT'
        ? new EngineError(
            'unavailable',
            'zstd-compressed layers need the zstd command (apt-get install -y zstd)',
          )
        : err,
    );
  });
  child.on('close', (code) => {
    if (code === 0) output.end();
    else
      output.destroy(
        new EngineError('invalid', `not a valid zstd stream: ${stderr.trim() || `zstd exited ${code}`}`),
      );
  });
  // a consumer that stops early: the decoder goes with it
  duplex.once('close', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return duplex;
}

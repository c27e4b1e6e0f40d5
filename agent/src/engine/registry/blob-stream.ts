import type { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { type HttpResponse, networkError } from './http-transport.ts';
import { isTransient, markTransient } from './retry.ts';

/**
 * A blob response's bytes, counted against the descriptor's size: more than
 * it is refused at once, a connection lost part-way is transient, a clean
 * end short of it is a truncated blob. The digest is checked by the content
 * writer the bytes go to; this bounds the size so a hostile registry cannot
 * stream forever.
 */
export async function* blobChunks(
  res: HttpResponse,
  digest: Digest,
  size: number,
  onBytes?: (received: number) => void,
): AsyncGenerator<Buffer> {
  const declared = Number(res.headers['content-length'] ?? Number.NaN);
  if (declared > size) {
    res.body.destroy();
    throw new EngineError(
      'invalid',
      `blob ${digest}: registry sends ${declared} bytes, the manifest says ${size}`,
    );
  }
  let received = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      received += chunk.byteLength;
      if (received > size)
        throw new EngineError('invalid', `blob ${digest}: more than the ${size} bytes the manifest says`);
      onBytes?.(received);
      yield chunk;
    }
  } catch (err) {
    res.body.destroy();
    if (err instanceof EngineError) throw err;
    const net = networkError(err, 'GET', new URL(res.url));
    throw isTransient(net)
      ? markTransient(
          new EngineError(
            'unavailable',
            `blob ${digest}: connection lost after ${received} of ${size} bytes`,
            { cause: err },
          ),
        )
      : net;
  }
  if (received < size)
    throw new EngineError('invalid', `blob ${digest} is truncated: received ${received} of ${size} bytes`);
}

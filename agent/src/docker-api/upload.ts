import type { IncomingMessage } from 'node:http';

/**
 * A request body for an engine call that may stop reading early (a broken
 * tarball): stopping releases the iterator but keeps the request, so the
 * error response can still go out after drained().
 */
export function uploadBody(req: IncomingMessage): AsyncIterable<Buffer> {
  return req.iterator({ destroyOnReturn: false });
}

/**
 * An upload the store gave up on part-way (a broken tarball) is still read to
 * its end before the error goes out: a client still writing would otherwise
 * meet a reset connection instead of the message.
 */
export async function drained(req: IncomingMessage, err: unknown): Promise<never> {
  if (!req.complete && !req.destroyed) {
    // the store may have left an async iterator on req: its 'readable' listener makes resume() a no-op, read() is not
    await new Promise<void>((resolve) => {
      const discard = () => {
        while (req.read() !== null) {}
      };
      req.on('readable', discard);
      req.once('end', resolve);
      req.once('close', resolve);
      discard();
    });
  }
  throw err;
}

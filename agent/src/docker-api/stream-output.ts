import type { Duplex, Readable } from 'node:stream';
import { hijack } from './hijack.ts';
import type { RequestContext } from './router.ts';
import { frame, StreamId } from './stdcopy.ts';

/**
 * Where attach, exec and logs write container output: the upgraded socket
 * (then stdin can come back on it) or a plain streamed HTTP response. Without
 * a TTY each chunk is framed with its stream id; with one, bytes go raw.
 */
export interface OutputStream {
  write(stream: 'stdout' | 'stderr', data: Buffer): boolean;
  /** resolves once the peer can take more (backpressure from a slow client) */
  drained(): Promise<void>;
  end(): void;
  /** what the client sends back (stdin), only on an upgraded connection */
  input: Readable | undefined;
  /** resolves when the client goes away */
  closed: Promise<void>;
}

export function openOutput(ctx: RequestContext, tty: boolean): OutputStream {
  const sink: Duplex | NodeJS.WritableStream = ctx.upgraded ?? ctx.res;
  if (ctx.upgraded) hijack(ctx.upgraded, true, tty);
  else {
    ctx.res.writeHead(200, {
      'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
    });
    ctx.res.flushHeaders();
  }
  const target = ctx.upgraded ?? ctx.res;
  const closed = new Promise<void>((resolve) => {
    target.once('close', () => resolve());
    target.once('error', () => resolve());
  });
  // After the client's end of the stream, a half-close (stdin done) and a client that is gone look
  // alike until we write. A quiet process would then never notice its client left: probe with empty
  // frames (harmless in the multiplexed framing) so a gone client surfaces as an error, then `closed`.
  let probe: NodeJS.Timeout | undefined;
  if (ctx.upgraded && !tty) {
    ctx.upgraded.once('end', () => {
      probe = setInterval(() => {
        if (!target.destroyed) target.write(frame(StreamId.stdout, Buffer.alloc(0)));
      }, 1000);
      probe.unref();
    });
    void closed.then(() => clearInterval(probe));
  }
  return {
    write(stream, data) {
      if (target.destroyed) return false;
      return sink.write(tty ? data : frame(stream === 'stdout' ? StreamId.stdout : StreamId.stderr, data));
    },
    drained: () =>
      new Promise((resolve) => {
        if (target.destroyed || !target.writableNeedDrain) resolve();
        else {
          target.once('drain', () => resolve());
          target.once('close', () => resolve());
        }
      }),
    end() {
      clearInterval(probe);
      if (!target.destroyed) target.end();
    },
    input: ctx.upgraded,
    closed,
  };
}

import type { ServerResponse } from 'node:http';
import {
  createProgressFormatter,
  formatProgressError,
  type ProgressEvent,
} from '../engine/registry/index.ts';

/**
 * Docker's JSON progress stream for a pull or push. The status line stays
 * unsent until the operation gets past its first step (the manifest found,
 * the local image read), so an early failure still answers with its HTTP
 * status (404 for a missing tag), as dockerd does; later failures become an
 * error line in the stream. Closing the response aborts the operation.
 */
function openProgressStream(res: ServerResponse) {
  const formatter = createProgressFormatter();
  const held: string[] = [];
  const aborter = new AbortController();
  let finished = false;
  res.once('close', () => {
    if (!finished) aborter.abort(new Error('client went away'));
  });
  const begin = () => {
    if (res.headersSent) return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (const line of held.splice(0)) res.write(line);
  };
  return {
    signal: aborter.signal,
    onProgress(event: ProgressEvent): void {
      const lines = formatter.format(event);
      if (!res.headersSent && event.kind === 'start') {
        held.push(...lines);
        return;
      }
      begin();
      for (const line of lines) if (!res.destroyed) res.write(line);
    },
    /** ends the stream; an error before anything was sent is thrown for the router's error response */
    finish(err?: unknown): void {
      finished = true;
      if (err !== undefined && !res.headersSent) throw err;
      begin();
      if (err !== undefined && !res.destroyed) res.write(formatProgressError(err));
      res.end();
    },
  };
}

/** Runs a pull or push with its progress going out as the response. */
export async function streamTransfer(
  res: ServerResponse,
  run: (progress: { onProgress: (event: ProgressEvent) => void; signal: AbortSignal }) => Promise<unknown>,
): Promise<void> {
  const stream = openProgressStream(res);
  try {
    await run({ onProgress: stream.onProgress, signal: stream.signal });
  } catch (err) {
    stream.finish(err);
    return;
  }
  stream.finish();
}

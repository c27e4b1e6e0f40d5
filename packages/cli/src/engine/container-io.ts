/**
 * The terminal's side of attach, exec and logs: multiplexed frames split back onto stdout and
 * stderr (no TTY), raw bytes straight through (TTY); stdin forwarded; with a TTY the terminal in
 * raw mode and its size sent on every resize.
 */
import type { Duplex, Readable } from 'node:stream';
import { StreamId, unframe } from '../../../../agent/src/docker-api/stdcopy.ts';

/** Copies a container stream to this process's stdout/stderr until it ends. */
export async function copyOutput(stream: Readable, tty: boolean): Promise<void> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (tty) {
      process.stdout.write(chunk);
      continue;
    }
    const split = unframe(rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk);
    rest = Buffer.from(split.rest);
    for (const { stream: id, payload } of split.frames) {
      (id === StreamId.stderr || id === StreamId.system ? process.stderr : process.stdout).write(payload);
    }
  }
}

/**
 * Runs a hijacked session: output to the terminal, stdin to the container when `interactive`,
 * raw mode and resizes when `tty`. Resolves once the container side has ended the stream.
 */
export async function runSession(
  socket: Duplex,
  opts: { tty: boolean; interactive: boolean; resize?: (rows: number, cols: number) => Promise<unknown> },
): Promise<void> {
  const stdin = process.stdin;
  const rawMode = opts.tty && stdin.isTTY === true;
  const onResize = () => void opts.resize?.(process.stdout.rows, process.stdout.columns).catch(() => {});
  if (rawMode) stdin.setRawMode(true);
  if (opts.tty && process.stdout.isTTY) {
    onResize();
    process.stdout.on('resize', onResize);
  }
  const forward = (chunk: Buffer) => socket.write(chunk);
  const endInput = () => socket.end();
  if (opts.interactive) {
    stdin.on('data', forward);
    stdin.once('end', endInput);
    stdin.resume();
  } else {
    socket.end();
  }
  try {
    await copyOutput(socket, opts.tty);
  } finally {
    if (rawMode) stdin.setRawMode(false);
    stdin.off('data', forward);
    stdin.off('end', endInput);
    stdin.pause();
    process.stdout.off('resize', onResize);
  }
}

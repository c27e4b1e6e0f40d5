/** The engine API's stream formats: multiplexed output frames and JSON progress lines. */
import type { Readable, Writable } from 'node:stream';
import { CliError } from '../cli-error.ts';

/**
 * A container's output without a TTY: frames of [stream, 0, 0, 0, size (u32 BE)] then the bytes,
 * stream 1 stdout and 2 stderr, each written to its own side.
 */
export async function demux(input: Readable, stdout: Writable, stderr: Writable): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    buf = buf.length > 0 ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      (buf[0] === 2 ? stderr : stdout).write(buf.subarray(8, 8 + size));
      buf = buf.subarray(8 + size);
    }
  }
}

interface ProgressLine {
  status?: string;
  id?: string;
  progress?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * A pull, push or load answer: one JSON object per line. Step lines are printed as
 * `id: status`; a line carrying an error ends the command with it.
 */
export async function printProgress(input: Readable, out: Writable): Promise<void> {
  let pending = '';
  const line = (text: string) => {
    if (text.trim() === '') return;
    const p = JSON.parse(text) as ProgressLine;
    if (p.error || p.errorDetail?.message) throw new CliError(p.errorDetail?.message ?? p.error ?? 'failed');
    if (p.stream) out.write(p.stream);
    // per-byte progress bars are for terminals that redraw; a line per step reads well anywhere
    else if (p.status && !p.progress) out.write(`${p.id ? `${p.id}: ` : ''}${p.status}\n`);
  };
  for await (const chunk of input) {
    pending += String(chunk);
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      line(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  }
  line(pending);
}

import { connect, type Socket } from 'node:net';
import { EngineError } from '../errors.ts';

/**
 * The monitor's socket protocol (agent/native/src/monitor.c): frames of type
 * (1 byte) + big-endian length (4 bytes) + payload of at most 4096 bytes.
 */
export const FRAME_MAX = 4096;

export function frame(type: string, payload: Uint8Array | string = ''): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** splits a payload into frames the monitor accepts */
export function frames(type: string, data: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += FRAME_MAX)
    out.push(frame(type, data.subarray(off, off + FRAME_MAX)));
  return out;
}

export interface Frame {
  type: string;
  payload: Buffer;
}

/** a socket's bytes as frames; ends with the socket */
export async function* readFrames(socket: Socket): AsyncGenerator<Frame> {
  let buf: Buffer = Buffer.alloc(0);
  for await (const chunk of socket) {
    buf = buf.length ? Buffer.concat([buf, chunk as Buffer]) : (chunk as Buffer);
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      yield { type: String.fromCharCode(buf[0] ?? 0), payload: buf.subarray(5, 5 + len) };
      buf = buf.subarray(5 + len);
    }
  }
}

/** connects, or resolves undefined when no monitor listens there any more */
export function connectMonitor(path: string): Promise<Socket | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      // ECONNRESET: the monitor closed its socket with our connection still queued (it is exiting)
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET')
        resolve(undefined);
      else reject(new EngineError('internal', `monitor socket ${path}: ${err.message}`, { cause: err }));
    });
  });
}

export function parseExit(payload: Buffer): { exitCode: number; signal: number } {
  const [code, sig] = payload.toString().split(' ').map(Number);
  return { exitCode: code ?? 255, signal: sig ?? 0 };
}

/**
 * The local agent's engine API over its unix socket (the Docker Engine API the agent serves):
 * what `berth engine` speaks. No Docker code is involved; only the endpoints.
 */
import { type IncomingMessage, request } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { CliError } from '../cli-error.ts';

/** The agent's default socket (agent-config.ts `--docker-socket`). */
export const DEFAULT_ENGINE_SOCKET = '/run/berth/docker.sock';

export interface EngineClient {
  socket: string;
  /** a JSON (or empty) answer; a failure is the agent's own message */
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** the raw response of a streaming endpoint (logs, events, load); `body` is sent as is */
  stream(method: string, path: string, body?: Readable | Buffer | unknown): Promise<IncomingMessage>;
  /** an attach or exec start: the connection taken over (101 Upgrade: tcp), both directions raw */
  hijack(path: string, body: unknown): Promise<Socket>;
}

export function engineClient(socket: string): EngineClient {
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const isStream = typeof (body as Readable | undefined)?.pipe === 'function';
      const payload =
        body === undefined || isStream
          ? undefined
          : Buffer.isBuffer(body)
            ? body
            : Buffer.from(JSON.stringify(body));
      const req = request(
        {
          socketPath: socket,
          method,
          path,
          headers: {
            ...(payload
              ? { 'content-type': Buffer.isBuffer(body) ? 'application/x-tar' : 'application/json' }
              : {}),
            ...(isStream ? { 'content-type': 'application/x-tar' } : {}),
            ...headers,
          },
        },
        resolve,
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          new CliError(
            err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
              ? `cannot reach the agent at ${socket} (${err.code}): is berth-agent running? (--socket or BERTH_SOCKET to choose another)`
              : `agent socket ${socket}: ${err.message}`,
          ),
        ),
      );
      if (isStream) (body as Readable).pipe(req);
      else req.end(payload);
    });

  const failIfBad = async (res: IncomingMessage): Promise<IncomingMessage> => {
    if ((res.statusCode ?? 500) < 400) return res;
    const text = await readAll(res);
    let message = text.trim();
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON: the text as is
    }
    throw new CliError(message || `HTTP ${res.statusCode}`);
  };

  return {
    socket,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const text = await readAll(await failIfBad(await send(method, path, body)));
      return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
    },
    async stream(method, path, body) {
      return failIfBad(await send(method, path, body));
    },
    hijack(path, body) {
      return new Promise<Socket>((resolve, reject) => {
        const req = request({
          socketPath: socket,
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', connection: 'Upgrade', upgrade: 'tcp' },
        });
        req.on('upgrade', (_res, sock, head) => {
          if (head.byteLength > 0) sock.unshift(head);
          resolve(sock);
        });
        req.on('response', (res) =>
          failIfBad(res).then(
            () => reject(new CliError(`${path}: the agent did not take over the connection`)),
            reject,
          ),
        );
        req.on('error', (err) => reject(new CliError(`agent socket ${socket}: ${err.message}`)));
        req.end(JSON.stringify(body));
      });
    },
  };
}

export async function readAll(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

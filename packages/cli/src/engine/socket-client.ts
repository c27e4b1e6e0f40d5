/**
 * HTTP over the local agent's Docker API socket. Failures become CliErrors carrying the agent's
 * own message (Docker's `{"message": …}` body), so `berth engine` prints what the engine said.
 */
import { type IncomingMessage, request } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';

/** The agent's default (agent/src/config/agent-config.ts: --docker-socket). */
export const DEFAULT_SOCKET = '/run/berth/docker.sock';

const ErrorBody = z.object({ message: z.string() });

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** a raw body (an archive to load or import) instead of JSON */
  upload?: Readable;
  headers?: Record<string, string>;
}

export class EngineClient {
  constructor(readonly socketPath: string) {}

  static fromEnv(socket: string | undefined): EngineClient {
    return new EngineClient(socket ?? process.env.BERTH_SOCKET ?? DEFAULT_SOCKET);
  }

  private path(path: string, query: RequestOptions['query']): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  }

  private send(method: string, path: string, options: RequestOptions, upgrade: boolean) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (upgrade) Object.assign(headers, { connection: 'Upgrade', upgrade: 'tcp' });
    const req = request({
      socketPath: this.socketPath,
      method,
      path: this.path(path, options.query),
      headers,
    });
    const failed = new Promise<never>((_, reject) => {
      req.on('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? ' (is berth-agent running?)' : '';
        reject(new CliError(`cannot reach the agent at ${this.socketPath}: ${err.message}${why}`));
      });
      options.upload?.on('error', (err) => {
        req.destroy();
        reject(new CliError(`cannot read the archive: ${err.message}`));
      });
    });
    if (options.upload) options.upload.pipe(req);
    else req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
    return { req, failed };
  }

  /** The response as a stream, after a 2xx status; otherwise the agent's message. */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const { req, failed } = this.send(method, path, options, false);
    const res = await Promise.race([new Promise<IncomingMessage>((r) => req.on('response', r)), failed]);
    if ((res.statusCode ?? 0) >= 300 && res.statusCode !== 304) throw await agentError(res);
    return res;
  }

  /** The whole body, parsed by `schema` when given (JSON), else as text. */
  async call<T = string>(
    method: string,
    path: string,
    options: RequestOptions & { schema?: z.ZodType<T> } = {},
  ) {
    const res = await this.stream(method, path, options);
    const text = (await readAll(res)).toString('utf8');
    if (!options.schema) return text as T;
    return parseJson(options.schema, text || 'null', `${method} ${path}`);
  }

  /**
   * Attach and exec start: the agent answers `101` and the connection carries the container's
   * streams both ways (multiplexed frames without a TTY, raw bytes with one).
   */
  async hijack(path: string, options: RequestOptions = {}): Promise<Duplex> {
    const { req, failed } = this.send('POST', path, options, true);
    const upgraded = new Promise<Duplex>((resolve, reject) => {
      req.on('upgrade', (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.on('response', (res) => {
        agentError(res).then(reject, reject);
      });
    });
    return Promise.race([upgraded, failed]);
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Each line of a JSON-lines stream (events, load and import progress), checked against `schema`. */
export async function* jsonLines<T>(stream: Readable, schema: z.ZodType<T>, what: string): AsyncGenerator<T> {
  let pending = '';
  for await (const chunk of stream) {
    pending += String(chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) yield parseJson(schema, line, what);
  }
}

/** The agent's JSON, checked against what the command reads of it. */
export function parseJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`unexpected answer from the agent to ${what}: not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `unexpected answer from the agent to ${what}: ${issue?.path.join('.')} ${issue?.message}`,
    );
  }
  return parsed.data;
}

async function agentError(res: IncomingMessage): Promise<CliError> {
  const text = (await readAll(res)).toString('utf8');
  let message = text.trim() || `HTTP ${res.statusCode}`;
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) message = parsed.data.message;
  } catch {
    // not JSON: the text itself is the message
  }
  return new CliError(`Error response from agent: ${message}`);
}

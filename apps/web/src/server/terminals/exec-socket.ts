/**
 * `GET /api/v1/hosts/<hostId>/containers/<id>/exec?cmd=<JSON array>&tty=&rows=&cols=` upgraded to a
 * websocket: one process in the container for a script or `berth exec -it`, ended with the socket.
 * Frames: binary → stdin, binary ← stdout; text JSON → `{type:'resize', rows, cols}` and
 * `{type:'stdin-end'}`, ← `{type:'stderr', data: base64}`, `{type:'exit', code}`, `{type:'error', message}`.
 * Same authentication as tRPC (a Bearer API token whose scope allows it, or the login cookie from the
 * same origin), the terminal right on the host, an audit entry (container.exec). A refusal is an
 * HTTP error answer, never an upgrade.
 */
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocketServer } from 'ws';
import { z } from 'zod';
import { requireHostAccess } from '../access/host-access.ts';
import { audited } from '../audit/audited.ts';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';
import { httpErrorOf } from '../http/http-error.ts';
import { isSameOrigin } from '../http/same-origin.ts';
import { createContext } from '../trpc/init.ts';

const EXEC_PATH = /^\/api\/v1\/hosts\/([^/]{1,100})\/containers\/([^/]{1,200})\/exec$/;

const ExecQuery = z.object({
  cmd: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'cmd must be a JSON array of strings' });
        return z.NEVER;
      }
    })
    .pipe(z.array(z.string().max(65536)).min(1, 'a command is required').max(1024)),
  tty: z.enum(['true', 'false']).default('false'),
  rows: z.coerce.number().int().min(1).max(1000).optional(),
  cols: z.coerce.number().int().min(1).max(1000).optional(),
});

const Control = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('resize'),
    rows: z.number().int().min(1).max(1000),
    cols: z.number().int().min(1).max(1000),
  }),
  z.object({ type: z.literal('stdin-end') }),
]);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: { message } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function createExecSocket(deps: Deps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  return {
    /** whether the upgrade is this route's */
    matches: (path: string) => EXEC_PATH.test(path),

    async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
      const url = new URL(req.url ?? '/', 'http://berth.invalid');
      const [, hostId = '', id = ''] = EXEC_PATH.exec(url.pathname) ?? [];
      const res = new ServerResponse(req);
      try {
        const query = ExecQuery.safeParse(Object.fromEntries(url.searchParams));
        if (!query.success)
          throw new ServiceError(
            'invalid',
            query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        const ctx = await createContext(deps, req, res);
        if (!ctx.user) throw ctx.authError ?? new ServiceError('unauthorized', 'log in first');
        if (!ctx.bearer && !isSameOrigin(req, deps.config.BERTH_PUBLIC_URL))
          throw new ServiceError('forbidden', 'cross-origin request refused');
        if (ctx.user.tokenScope === 'read')
          throw new ServiceError('forbidden', 'a read-only API token cannot exec');
        const user = ctx.user;
        await requireHostAccess(user, decodeURIComponent(hostId), 'terminal');
        const { cmd, tty, rows, cols } = query.data;
        const stream = await audited(
          deps.db,
          {
            actor: user,
            action: 'container.exec',
            hostId: decodeURIComponent(hostId),
            target: decodeURIComponent(id),
            detail: { cmd, tty: tty === 'true' },
          },
          () =>
            deps.gateway.stream(decodeURIComponent(hostId), 'containers.exec', {
              id: decodeURIComponent(id),
              cmd,
              tty: tty === 'true',
              stdin: true,
              ...(rows && cols ? { rows, cols } : {}),
            }),
        );
        wss.handleUpgrade(req, socket, head, (ws) => {
          const send = (data: Buffer | string) =>
            new Promise<void>((resolve) => ws.send(data, () => resolve()));
          ws.on('message', (data: RawData, isBinary) => {
            const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
            if (isBinary) {
              stream.write(bytes).catch(() => {});
              return;
            }
            const control = Control.safeParse(parseJson(bytes.toString()));
            // a malformed control frame is ignored: it must never take the server down
            if (!control.success) return;
            if (control.data.type === 'resize') stream.resize(control.data.rows, control.data.cols);
            else stream.endInput();
          });
          // the socket gone: the process goes too, never left running on the host
          ws.on('close', () => {
            if (!stream.done) stream.cancel();
          });
          void (async () => {
            try {
              for await (const e of stream) {
                if (e.kind === 'stdout') await send(e.data);
                else if (e.kind === 'stderr')
                  await send(JSON.stringify({ type: 'stderr', data: e.data.toString('base64') }));
              }
              const { exitCode } = await stream.result;
              await send(JSON.stringify({ type: 'exit', code: exitCode }));
            } catch (err) {
              await send(JSON.stringify({ type: 'error', message: (err as Error).message }));
            }
            ws.close();
          })();
        });
      } catch (err) {
        const { status, message } = httpErrorOf(err, res, (stack) =>
          deps.log(`exec socket on ${hostId}: ${stack}`),
        );
        refuse(socket, status, message);
      }
    },

    close(): void {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

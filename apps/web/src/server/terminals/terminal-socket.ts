/**
 * The browser's side of a terminal session: a websocket at TERMINAL_PATH/<sessionId>, opened
 * with the login cookie from this control plane's own pages (Origin checked, as for mutations),
 * allowed for the user who opened the session and for anyone with the terminal right on its host.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { createHostAccessSource } from '../access/grant-lookup.ts';
import { hostCapabilitiesOf } from '../access/host-access.ts';
import { resolveSession } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { sessionTokenOf } from '../http/cookies.ts';
import { isSameOrigin } from '../http/same-origin.ts';
import type { TerminalSession, Viewer } from './terminal-session.ts';
import type { TerminalSessions } from './terminal-sessions.ts';
import { ClientMessage, TERMINAL_PATH, TerminalClose } from './terminal-wire.ts';

export function terminalSessionIdOf(path: string): string | undefined {
  const prefix = `${TERMINAL_PATH}/`;
  if (!path.startsWith(prefix)) return undefined;
  const id = path.slice(prefix.length);
  return /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
}

async function mayView(deps: Deps, req: IncomingMessage, session: TerminalSession): Promise<boolean> {
  if (!isSameOrigin(req, deps.config.BERTH_PUBLIC_URL)) return false;
  const user = await resolveSession(
    deps.db,
    sessionTokenOf(req),
    deps.config.BERTH_SESSION_HOURS * 3_600_000,
  );
  if (!user) return false;
  if (user.id === session.ownerId) return true;
  const caller = { ...user, access: createHostAccessSource(deps.db, user.id) };
  return (await hostCapabilitiesOf(caller, session.hostId)).has('terminal');
}

function viewerOf(socket: WebSocket): Viewer {
  return {
    send: (frame) => {
      if (socket.readyState === socket.OPEN) socket.send(frame, { binary: typeof frame !== 'string' });
    },
    close: (code, reason) => socket.close(code, reason),
  };
}

export function createTerminalSocketServer(deps: Deps, sessions: TerminalSessions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 });

  function serve(socket: WebSocket, session: TerminalSession): void {
    const viewer = viewerOf(socket);
    socket.on('message', (data, isBinary) => {
      const parsed = isBinary ? null : ClientMessage.safeParse(safeJson(String(data)));
      if (!parsed?.success) {
        socket.close(TerminalClose.badMessage, 'expected an input or resize message');
        return;
      }
      const message = parsed.data;
      if (message.type === 'input') {
        session
          .input(message.data)
          .catch((err) => deps.log(`terminal ${session.id}: ${(err as Error).message}`));
      } else session.resize(message.cols, message.rows);
    });
    socket.on('close', () => session.detach(viewer));
    session.attach(viewer);
  }

  return {
    /** Takes the upgrade when the path is a terminal's; false: not ours. */
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const path = new URL(req.url ?? '/', 'http://berth.invalid').pathname;
      if (!path.startsWith(`${TERMINAL_PATH}/`)) return false;
      const id = terminalSessionIdOf(path);
      const session = id ? sessions.get(id) : undefined;
      void (async () => {
        const allowed = session ? await mayView(deps, req, session).catch(() => false) : false;
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (!session) ws.close(TerminalClose.unknownSession, 'no such terminal session');
          else if (!allowed) ws.close(TerminalClose.forbidden, 'not allowed');
          else serve(ws, session);
        });
      })();
      return true;
    },
    close(): void {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

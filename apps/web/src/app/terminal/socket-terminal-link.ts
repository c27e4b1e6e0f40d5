/**
 * TerminalLink over the control plane's terminal websocket (server/terminals/terminal-wire.ts).
 * A dropped connection is retried with backoff (1, 2, 4 … 10 s); every attach starts with the
 * session's replay, so the screen is rebuilt rather than patched. Close codes that mean "no such
 * session" or "not allowed" end it without retrying.
 */
import { ServerMessage, TERMINAL_PATH, TerminalClose } from '../../server/terminals/terminal-wire.ts';
import type { TerminalAttachment, TerminalLink } from './terminal-link.ts';

const MAX_BACKOFF_MS = 10_000;

export function socketTerminalLink(sessionId: string): TerminalLink {
  return {
    attach({ size, onOutput, onState }): TerminalAttachment {
      let socket: WebSocket | null = null;
      let detached = false;
      let ended = false;
      let backoff = 1000;
      let retry: ReturnType<typeof setTimeout> | undefined;
      let latestSize = size;
      const encoder = new TextEncoder();

      const connect = () => {
        const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
        const ws = new WebSocket(`${scheme}//${window.location.host}${TERMINAL_PATH}/${sessionId}`);
        ws.binaryType = 'arraybuffer';
        socket = ws;
        let replayPending = 0;
        ws.onopen = () => {
          backoff = 1000;
          ws.send(JSON.stringify({ type: 'resize', ...latestSize }));
        };
        ws.onmessage = (event) => {
          if (typeof event.data === 'string') {
            const parsed = ServerMessage.safeParse(JSON.parse(event.data));
            if (!parsed.success) return;
            if (parsed.data.type === 'attached') {
              replayPending = parsed.data.replayBytes;
              // an empty replay still means "fresh screen": nothing from before may stay
              if (replayPending === 0) onOutput('', true);
              onState({ kind: 'open' });
            } else {
              ended = true;
              onState({ kind: 'ended', exitCode: parsed.data.exitCode });
            }
            return;
          }
          const bytes = new Uint8Array(event.data as ArrayBuffer);
          onOutput(bytes, replayPending > 0);
          replayPending = 0;
        };
        ws.onclose = (event) => {
          socket = null;
          if (detached || ended) return;
          if (
            event.code === TerminalClose.unknownSession ||
            event.code === TerminalClose.forbidden ||
            event.code === TerminalClose.badMessage
          ) {
            ended = true;
            onOutput(encoder.encode(`\r\n[${event.reason || 'terminal closed'}]\r\n`), false);
            onState({ kind: 'ended', exitCode: null });
            return;
          }
          onState({ kind: 'reconnecting' });
          retry = setTimeout(connect, backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        };
      };

      onState({ kind: 'connecting' });
      connect();
      const send = (message: object) => {
        if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
      };
      return {
        input: (data) => send({ type: 'input', data }),
        resize: (cols, rows) => {
          latestSize = { cols, rows };
          send({ type: 'resize', cols, rows });
        },
        detach: () => {
          detached = true;
          clearTimeout(retry);
          socket?.close(1000, 'detached');
        },
      };
    },
  };
}

/**
 * TerminalLink over the control plane's terminal procedures (docs/control-plane.md): output is a
 * subscription (`terminals.attach`, server-sent events) of byte-offset chunks; keystrokes and
 * resizes are mutations. tRPC's subscription link reconnects by itself after a drop and attaches
 * again from the start of the kept output, so chunks carry their offset and whatever was already
 * written is skipped; the page's first chunk is the replay and rebuilds the screen.
 */
import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '../../server/trpc/app-router.ts';
import type { TerminalAttachment, TerminalLink } from './terminal-link.ts';

function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function trpcTerminalLink(client: TRPCClient<AppRouter>, sessionId: string): TerminalLink {
  return {
    attach({ size, onOutput, onState }): TerminalAttachment {
      let nextOffset: number | undefined;
      let ended = false;
      // keystrokes go one request at a time, in order; what is typed meanwhile goes in the next
      let pending = '';
      let sending = false;
      const flush = async () => {
        if (sending || !pending || ended) return;
        sending = true;
        const data = pending;
        pending = '';
        try {
          await client.terminals.input.mutate({ sessionId, data });
        } catch {
          // the session ended or the connection dropped: the subscription reports which
        } finally {
          sending = false;
          void flush();
        }
      };

      onState({ kind: 'connecting' });
      const subscription = client.terminals.attach.subscribe(
        { sessionId },
        {
          onStarted: () => onState({ kind: 'open' }),
          onConnectionStateChange: (state) => {
            if (!ended && state.state === 'connecting' && state.error) onState({ kind: 'reconnecting' });
            if (!ended && state.state === 'pending') onState({ kind: 'open' });
          },
          onData: (event) => {
            if (event.type === 'output') {
              const chunk = fromBase64(event.data);
              const replay = nextOffset === undefined;
              const seen = nextOffset === undefined ? 0 : Math.max(0, nextOffset - event.offset);
              const bytes = chunk.subarray(seen);
              nextOffset = Math.max(nextOffset ?? 0, event.offset + chunk.length);
              if (bytes.length > 0 || replay) onOutput(bytes, replay);
            } else if (event.type === 'exit') {
              ended = true;
              onState({ kind: 'ended', exitCode: event.exitCode });
              subscription.unsubscribe();
            }
          },
          onError: (err) => {
            ended = true;
            onOutput(`\r\n[${err.message}]\r\n`, false);
            onState({ kind: 'ended', exitCode: null });
          },
        },
      );
      void client.terminals.resize.mutate({ sessionId, ...size }).catch(() => {});
      return {
        input: (data) => {
          pending += data;
          void flush();
        },
        resize: (cols, rows) =>
          void client.terminals.resize.mutate({ sessionId, cols, rows }).catch(() => {}),
        detach: () => subscription.unsubscribe(),
      };
    },
  };
}

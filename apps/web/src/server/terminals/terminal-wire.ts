/**
 * The browser ⇄ control plane terminal websocket (`TERMINAL_PATH/<sessionId>`), shared by the
 * server and the page. Output travels as binary frames (the pty's bytes, as they come); control
 * travels as JSON text frames, parsed with these schemas on both ends.
 *
 *   server → browser: {"type":"attached","replayBytes":N}, then (N > 0) one binary frame holding
 *                     the session's buffered output, then live binary frames;
 *                     {"type":"exit","exitCode":n|null} when the process ended (then close 1000)
 *   browser → server: {"type":"input","data":"…"} keystrokes, {"type":"resize","cols":c,"rows":r}
 */
import { z } from 'zod';

export const TERMINAL_PATH = '/api/terminals';

/** Close codes besides 1000 (ended): the page stops reconnecting on these. */
export const TerminalClose = {
  /** no such session (it ended and was forgotten, or never existed) */
  unknownSession: 4404,
  /** no login, or not allowed on this host */
  forbidden: 4403,
  /** a frame that is not one of ClientMessage */
  badMessage: 4400,
} as const;

export const Size = z.object({
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(65_536) }),
  z.object({ type: z.literal('resize'), ...Size.shape }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('attached'), replayBytes: z.number().int().nonnegative() }),
  z.object({ type: z.literal('exit'), exitCode: z.number().int().nullable() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

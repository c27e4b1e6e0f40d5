import { z } from 'zod';
import { HostInfo } from './host-info.ts';
import {
  Call,
  Cancel,
  Credit,
  End,
  InputEnd,
  Item,
  Open,
  Resize,
  Result,
  StateReport,
  StateUpdate,
} from './rpc.ts';

/**
 * The agent⇄control-plane link: one websocket the agent dials out on, carrying
 * JSON text frames (and, after the welcome, binary frames of stream bytes, see rpc.ts).
 * Every frame is one of these messages; anything else is refused and the connection closed.
 */

/** Path the control plane serves the link on. */
export const LINK_PATH = '/api/agent/link';

/**
 * Application-level keepalive. Proxies such as Cloudflare cut idle sockets at
 * 100 s, so both sides send a ping well before that and consider the peer gone
 * after three missed intervals.
 */
export const HEARTBEAT_INTERVAL_MS = 20_000;
export const HEARTBEAT_TIMEOUT_MS = HEARTBEAT_INTERVAL_MS * 3;

/** First frame from the agent: a one-time join token, or the host credential it got when it joined. */
export const AgentHello = z.object({
  type: z.literal('hello'),
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('join'), joinToken: z.string().min(16).max(200) }),
    z.object({
      kind: z.literal('host'),
      hostId: z.string().min(1).max(100),
      credential: z.string().min(16).max(200),
    }),
  ]),
  host: HostInfo,
});

export const Heartbeat = z.object({ type: z.literal('heartbeat'), sentAt: z.number().int() });

export const AgentMessage = z.discriminatedUnion('type', [
  AgentHello,
  Heartbeat,
  Result,
  Item,
  End,
  Credit,
  StateReport,
  StateUpdate,
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

/** Answer to a hello. `credential` is present only when the agent joined with a join token: it must keep it. */
export const Welcome = z.object({
  type: z.literal('welcome'),
  hostId: z.string(),
  credential: z.string().optional(),
});

/** Sent before the control plane closes the link on purpose, so the agent can log why. */
export const Refused = z.object({ type: z.literal('refused'), reason: z.string() });

export const ControlMessage = z.discriminatedUnion('type', [
  Welcome,
  Refused,
  Heartbeat,
  Call,
  Open,
  Cancel,
  Credit,
  InputEnd,
  Resize,
]);
export type ControlMessage = z.infer<typeof ControlMessage>;

/** Websocket close codes used by the link (4000–4999 is the application range). */
export const LinkClose = {
  unauthorized: 4001,
  badMessage: 4002,
  replaced: 4003,
  heartbeatTimeout: 4004,
} as const;

/** The largest frame either side accepts: a full state report of a busy host fits. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export function parseFrame<T>(schema: z.ZodType<T>, data: string): T | Error {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return new Error('frame is not JSON');
  }
  const result = schema.safeParse(json);
  return result.success ? result.data : new Error(z.prettifyError(result.error));
}

import { z } from 'zod';
import { HostState, HostStateUpdate } from './host-state.ts';

/**
 * Requests, streams and state on the link. The control plane numbers each request and stream;
 * the agent answers with the same id. Stream bytes travel in binary frames
 * ([u32 id][u8 channel][payload]); everything else is a JSON text frame.
 */

/** The closed set of errors a request or stream can end with; each side maps them once. */
export const LinkErrorCode = z.enum([
  'not_found',
  'conflict',
  'invalid',
  'not_modified',
  'forbidden',
  'unavailable',
  'internal',
  'deadline_exceeded',
  'cancelled',
]);
export type LinkErrorCode = z.infer<typeof LinkErrorCode>;
export const LinkError = z.object({ code: LinkErrorCode, message: z.string().max(4096) });
export type LinkError = z.infer<typeof LinkError>;

/**
 * Credit-based flow control: each side may send this many stream bytes (payload bytes, or the
 * JSON length of an item) before the receiver grants more with a `credit` frame, which it does
 * as its consumer takes what arrived. So neither side ever holds more than one window unsent.
 */
export const STREAM_WINDOW_BYTES = 256 * 1024;
/** the largest payload of one binary frame */
export const STREAM_CHUNK_BYTES = 32 * 1024;
/** a request carries its deadline; none may ask for more than this */
export const MAX_CALL_TIMEOUT_MS = 10 * 60_000;

export const StreamChannel = { input: 0, stdout: 1, stderr: 2 } as const;
export type StreamChannel = (typeof StreamChannel)[keyof typeof StreamChannel];

const RequestId = z.number().int().min(1).max(0xffff_ffff);
const Procedure = z.string().min(1).max(64);

/** Control plane → agent */
export const Call = z.object({
  type: z.literal('call'),
  id: RequestId,
  procedure: Procedure,
  input: z.unknown(),
  timeoutMs: z.number().int().min(1).max(MAX_CALL_TIMEOUT_MS),
});
export const Open = z.object({
  type: z.literal('open'),
  id: RequestId,
  procedure: Procedure,
  input: z.unknown(),
});
export const Cancel = z.object({ type: z.literal('cancel'), id: RequestId });
export const Credit = z.object({ type: z.literal('credit'), id: RequestId, bytes: z.number().int().min(1) });
/** no more input on this stream (stdin EOF, upload complete) */
export const InputEnd = z.object({ type: z.literal('input-end'), id: RequestId });
export const Resize = z.object({
  type: z.literal('resize'),
  id: RequestId,
  rows: z.number().int().min(1).max(1000),
  cols: z.number().int().min(1).max(1000),
});

/** Agent → control plane */
export const Result = z.object({
  type: z.literal('result'),
  id: RequestId,
  output: z.unknown().optional(),
  error: LinkError.optional(),
});
export const Item = z.object({ type: z.literal('item'), id: RequestId, item: z.unknown() });
export const End = z.object({
  type: z.literal('end'),
  id: RequestId,
  result: z.unknown().optional(),
  error: LinkError.optional(),
});
export const StateReport = z.object({ type: z.literal('state'), state: HostState });
export const StateUpdate = z.object({ type: z.literal('state-update'), update: HostStateUpdate });

export interface DataFrame {
  id: number;
  channel: StreamChannel;
  payload: Buffer;
}

export function encodeDataFrame(frame: DataFrame): Buffer {
  const out = Buffer.allocUnsafe(5 + frame.payload.length);
  out.writeUInt32BE(frame.id, 0);
  out.writeUInt8(frame.channel, 4);
  frame.payload.copy(out, 5);
  return out;
}

export function decodeDataFrame(data: Buffer): DataFrame | Error {
  if (data.length < 5) return new Error('binary frame shorter than its header');
  const id = data.readUInt32BE(0);
  const channel = data.readUInt8(4);
  if (id === 0) return new Error('binary frame for stream 0');
  if (channel > 2) return new Error(`binary frame on unknown channel ${channel}`);
  if (data.length - 5 > STREAM_CHUNK_BYTES) return new Error('binary frame larger than a chunk');
  return { id, channel: channel as StreamChannel, payload: data.subarray(5) };
}

import {
  type AgentMessage,
  type CallName,
  type CallOutput,
  Calls,
  type ControlMessage,
  decodeDataFrame,
  encodeDataFrame,
  isCallName,
  isStreamName,
  StreamChannel,
  type StreamName,
  type StreamResult,
  Streams,
} from '@berth/protocol';
import type { z } from 'zod';
import { EngineError } from '../engine/errors.ts';
import { LinkAbort, toLinkError } from './link-errors.ts';
import { StreamFlow } from './stream-flow.ts';

/** How the handler talks back over the current websocket. */
export interface LinkChannel {
  send(message: AgentMessage): void;
  sendBinary(frame: Buffer): void;
}

export interface StreamContext {
  signal: AbortSignal;
  /** waits for credit: a producer that awaits it never runs ahead of the control plane's reader */
  write(channel: 'stdout' | 'stderr', payload: Buffer): Promise<void>;
  item(item: unknown): Promise<void>;
  /** bytes the control plane sends (stdin, an upload), until it ends its input */
  input(): AsyncIterable<Buffer>;
  onResize(listener: (rows: number, cols: number) => void): void;
}

type ParsedCallInput<N extends CallName> = z.infer<(typeof Calls)[N]['input']>;
type ParsedStreamInput<N extends StreamName> = z.infer<(typeof Streams)[N]['input']>;

export type CallHandlers = {
  [N in CallName]: (input: ParsedCallInput<N>, signal: AbortSignal) => Promise<CallOutput<N>>;
};
export type StreamHandlers = {
  [N in StreamName]: (input: ParsedStreamInput<N>, ctx: StreamContext) => Promise<StreamResult<N>>;
};

interface OpenStream {
  abort: AbortController;
  flow: StreamFlow;
  resize?: (rows: number, cols: number) => void;
}

type Incoming = Exclude<ControlMessage, { type: 'welcome' | 'refused' | 'heartbeat' }>;

/**
 * Runs the control plane's requests on this agent: each call or stream is parsed with its
 * procedure's schema, run by its handler, and answered with the same id. Cancel frames, deadlines
 * and a lost link abort what runs (an exec's process is killed with it).
 */
export class RequestHandler {
  private readonly calls = new Map<number, AbortController>();
  private readonly streams = new Map<number, OpenStream>();
  private maxQueuedBytes = 0;

  constructor(
    private readonly channel: LinkChannel,
    private readonly callHandlers: CallHandlers,
    private readonly streamHandlers: StreamHandlers,
    private readonly log: (message: string) => void,
  ) {}

  /** false: a frame that breaks the protocol (the caller drops the link) */
  onMessage(message: Incoming): boolean {
    switch (message.type) {
      case 'call':
        void this.runCall(message.id, message.procedure, message.input, message.timeoutMs);
        return true;
      case 'open':
        void this.runStream(message.id, message.procedure, message.input);
        return true;
      case 'cancel': {
        const why = new LinkAbort('cancelled', 'cancelled by the control plane');
        this.calls.get(message.id)?.abort(why);
        this.streams.get(message.id)?.abort.abort(why);
        return true;
      }
      case 'credit':
        this.streams.get(message.id)?.flow.onCredit(message.bytes);
        return true;
      case 'input-end':
        this.streams.get(message.id)?.flow.endInput();
        return true;
      case 'resize':
        this.streams.get(message.id)?.resize?.(message.rows, message.cols);
        return true;
      default: {
        const unreachable: never = message;
        this.log(`link: unexpected frame ${JSON.stringify(unreachable)}`);
        return false;
      }
    }
  }

  onBinary(data: Buffer): boolean {
    const frame = decodeDataFrame(data);
    if (frame instanceof Error || frame.channel !== StreamChannel.input) return false;
    const stream = this.streams.get(frame.id);
    // input for a stream that just ended is dropped; too much input breaks the protocol
    return stream ? stream.flow.pushInput(frame.payload) : true;
  }

  /** The link is gone: everything running for it stops. */
  close(): void {
    const why = new LinkAbort('cancelled', 'link closed');
    for (const c of this.calls.values()) c.abort(why);
    for (const s of this.streams.values()) s.abort.abort(why);
  }

  stats() {
    let queuedBytes = 0;
    for (const s of this.streams.values()) queuedBytes += s.flow.unacked;
    this.maxQueuedBytes = Math.max(this.maxQueuedBytes, queuedBytes);
    return { openStreams: this.streams.size, queuedBytes, maxQueuedBytes: this.maxQueuedBytes };
  }

  private async runCall(id: number, procedure: string, rawInput: unknown, timeoutMs: number): Promise<void> {
    const abort = new AbortController();
    this.calls.set(id, abort);
    const timer = setTimeout(
      () => abort.abort(new LinkAbort('deadline_exceeded', `deadline of ${timeoutMs} ms passed`)),
      timeoutMs,
    );
    try {
      if (!isCallName(procedure)) throw new EngineError('invalid', `unknown procedure ${procedure}`);
      const spec = Calls[procedure];
      const input = spec.input.parse(rawInput);
      const handler = this.callHandlers[procedure] as (i: unknown, s: AbortSignal) => Promise<unknown>;
      const aborted = new Promise<never>((_, reject) =>
        abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }),
      );
      const output = await Promise.race([handler(input, abort.signal), aborted]);
      this.channel.send({ type: 'result', id, output: spec.output.parse(output) });
    } catch (err) {
      this.channel.send({ type: 'result', id, error: toLinkError(err) });
    } finally {
      clearTimeout(timer);
      this.calls.delete(id);
    }
  }

  private async runStream(id: number, procedure: string, rawInput: unknown): Promise<void> {
    if (this.streams.has(id) || this.calls.has(id)) return;
    const abort = new AbortController();
    const flow = new StreamFlow(abort.signal, (bytes) => this.channel.send({ type: 'credit', id, bytes }));
    const open: OpenStream = { abort, flow };
    this.streams.set(id, open);
    const ctx: StreamContext = {
      signal: abort.signal,
      write: (channel, payload) =>
        flow.send(payload, (chunk) => {
          this.channel.sendBinary(encodeDataFrame({ id, channel: StreamChannel[channel], payload: chunk }));
          this.stats();
        }),
      item: async (item) => {
        const text = JSON.stringify(item);
        await flow.reserve(Buffer.byteLength(text));
        this.channel.send({ type: 'item', id, item });
      },
      input: () => flow.input(),
      onResize: (listener) => {
        open.resize = listener;
      },
    };
    try {
      if (!isStreamName(procedure)) throw new EngineError('invalid', `unknown stream ${procedure}`);
      const spec = Streams[procedure];
      const input = spec.input.parse(rawInput);
      const handler = this.streamHandlers[procedure] as (i: unknown, c: StreamContext) => Promise<unknown>;
      const result = await handler(input, ctx);
      if (abort.signal.aborted) throw abort.signal.reason;
      this.channel.send({ type: 'end', id, result: spec.result.parse(result) });
    } catch (err) {
      this.channel.send({
        type: 'end',
        id,
        error: toLinkError(abort.signal.aborted ? abort.signal.reason : err),
      });
    } finally {
      abort.abort(new LinkAbort('cancelled', 'stream ended'));
      this.streams.delete(id);
    }
  }
}

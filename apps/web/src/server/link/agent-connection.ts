import {
  type AgentMessage,
  Calls,
  type DataFrame,
  MAX_CALL_TIMEOUT_MS,
  StreamChannel,
  Streams,
} from '@berth/protocol';
import { WebSocket } from 'ws';
import { ServiceError } from '../errors.ts';
import { fromLinkError } from './link-errors.ts';
import { LinkStream } from './link-stream.ts';

export interface CallOptions {
  signal?: AbortSignal;
  /** default 30 s */
  timeoutMs?: number;
}

interface PendingCall {
  procedure: string;
  resolve: (output: unknown) => void;
  reject: (err: ServiceError) => void;
}

type Reply = Extract<AgentMessage, { type: 'result' | 'item' | 'end' | 'credit' }>;

/**
 * One authenticated agent link's requests and streams: numbers them, sends them, matches the
 * agent's answers to them, and fails whatever is pending when the link goes.
 */
export class AgentConnection {
  private nextId = 1;
  private readonly calls = new Map<number, PendingCall>();
  private readonly streams = new Map<number, LinkStream>();
  private readonly streamProcedures = new Map<number, string>();

  constructor(
    readonly hostId: string,
    readonly hostName: string,
    private readonly ws: WebSocket,
  ) {}

  private id(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffff_fffe ? 1 : this.nextId + 1;
    return id;
  }

  private sendJson(message: object): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  call(procedure: string, input: unknown, options: CallOptions = {}): Promise<unknown> {
    const timeoutMs = Math.min(options.timeoutMs ?? 30_000, MAX_CALL_TIMEOUT_MS);
    const id = this.id();
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = () => {
        this.sendJson({ type: 'cancel', id });
        finish(new ServiceError('cancelled', `${procedure} on ${this.hostName} was cancelled`));
      };
      // the agent enforces the same deadline: whichever side notices first, the caller reads one message
      const timedOut = () =>
        new ServiceError('timeout', `${procedure} on ${this.hostName} got no answer within ${timeoutMs} ms`);
      const timer = setTimeout(() => {
        this.sendJson({ type: 'cancel', id });
        finish(timedOut());
      }, timeoutMs);
      const finish = (err: ServiceError | undefined, output?: unknown) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.calls.delete(id);
        if (err) reject(err);
        else resolve(output);
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.calls.set(id, {
        procedure,
        resolve: (o) => finish(undefined, o),
        reject: (e) => finish(e.code === 'timeout' ? timedOut() : e),
      });
      this.sendJson({ type: 'call', id, procedure, input, timeoutMs });
    });
  }

  open(procedure: string, input: unknown, signal?: AbortSignal): LinkStream {
    const id = this.id();
    const stream = new LinkStream(
      id,
      {
        sendJson: (m) => this.sendJson(m),
        sendBinary: (f) => this.ws.readyState === WebSocket.OPEN && this.ws.send(f),
      },
      () => {
        this.streams.delete(id);
        this.streamProcedures.delete(id);
      },
    );
    this.streams.set(id, stream);
    this.streamProcedures.set(id, procedure);
    signal?.addEventListener('abort', () => stream.cancel(), { once: true });
    this.sendJson({ type: 'open', id, procedure, input });
    return stream;
  }

  /** false: the agent broke the protocol */
  onReply(message: Reply): boolean {
    switch (message.type) {
      case 'result': {
        const call = this.calls.get(message.id);
        if (!call) return true; // answered after its deadline or cancellation
        if (message.error) {
          call.reject(fromLinkError(this.hostName, message.error));
          return true;
        }
        const output = Calls[call.procedure as keyof typeof Calls].output.safeParse(message.output);
        if (!output.success) {
          call.reject(new ServiceError('internal', `${this.hostName} answered ${call.procedure} malformed`));
          return false;
        }
        call.resolve(output.data);
        return true;
      }
      case 'item': {
        const stream = this.streams.get(message.id);
        if (!stream) return true;
        const spec = Streams[this.streamProcedures.get(message.id) as keyof typeof Streams];
        const item = spec.item.safeParse(message.item);
        if (!item.success) return false;
        return stream.receive(
          { kind: 'item', item: item.data },
          Buffer.byteLength(JSON.stringify(message.item)),
        );
      }
      case 'end': {
        const stream = this.streams.get(message.id);
        if (!stream) return true;
        if (message.error) stream.finish({ error: fromLinkError(this.hostName, message.error) });
        else {
          const spec = Streams[this.streamProcedures.get(message.id) as keyof typeof Streams];
          const result = spec.result.safeParse(message.result);
          if (!result.success) return false;
          stream.finish({ result: result.data });
        }
        return true;
      }
      case 'credit':
        this.streams.get(message.id)?.onCredit(message.bytes);
        return true;
      default: {
        const unreachable: never = message;
        return Boolean(unreachable);
      }
    }
  }

  onData(frame: DataFrame): boolean {
    if (frame.channel === StreamChannel.input) return false;
    const stream = this.streams.get(frame.id);
    if (!stream) return true; // bytes in flight when the stream ended
    return stream.receive(
      {
        kind: frame.channel === StreamChannel.stdout ? 'stdout' : 'stderr',
        data: Buffer.from(frame.payload),
      },
      Math.max(frame.payload.length, 1),
    );
  }

  /** The link is gone: nothing pending may hang. */
  close(why: string): void {
    const err = () => new ServiceError('unavailable', `host ${this.hostName} went offline (${why})`);
    for (const call of [...this.calls.values()]) call.reject(err());
    for (const stream of [...this.streams.values()]) stream.finish({ error: err() });
  }
}

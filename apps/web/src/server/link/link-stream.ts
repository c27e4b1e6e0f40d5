import { encodeDataFrame, STREAM_CHUNK_BYTES, STREAM_WINDOW_BYTES, StreamChannel } from '@berth/protocol';
import type { ServiceError } from '../errors.ts';

export type StreamEvent<Item> = { kind: 'stdout' | 'stderr'; data: Buffer } | { kind: 'item'; item: Item };

/** How a stream reaches its agent; provided by the connection it was opened on. */
export interface StreamWire {
  sendJson(message: object): void;
  sendBinary(frame: Buffer): void;
}

/**
 * The control plane's end of one stream. Reading it (for await) is what grants the agent more
 * credit, so a consumer that reads slowly holds the agent back instead of making anyone buffer:
 * at most one window waits here. `write` (stdin, an upload) waits for the agent's credit likewise.
 */
export class LinkStream<Item = unknown, Result = unknown> implements AsyncIterable<StreamEvent<Item>> {
  private readonly queue: { event: StreamEvent<Item>; bytes: number }[] = [];
  /** bytes received and not yet read by the consumer */
  bufferedBytes = 0;
  private ungranted = 0;
  private sendCredit = STREAM_WINDOW_BYTES;
  private finished = false;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;
  private settle!: { resolve: (r: Result) => void; reject: (e: ServiceError) => void };
  readonly result: Promise<Result>;

  constructor(
    readonly id: number,
    private readonly wire: StreamWire,
    private readonly onDone: () => void,
  ) {
    this.result = new Promise<Result>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // a result nobody awaits must not become an unhandled rejection
    this.result.catch(() => {});
  }

  get done(): boolean {
    return this.finished;
  }

  /** false: the agent sent more than its credit allowed */
  receive(event: StreamEvent<Item>, bytes: number): boolean {
    if (this.finished) return true;
    this.bufferedBytes += bytes;
    if (this.bufferedBytes > STREAM_WINDOW_BYTES + 2 * STREAM_CHUNK_BYTES) return false;
    this.queue.push({ event, bytes });
    this.wake();
    return true;
  }

  onCredit(bytes: number): void {
    this.sendCredit += bytes;
    this.wake();
  }

  finish(outcome: { result: Result } | { error: ServiceError }): void {
    if (this.finished) return;
    this.finished = true;
    if ('result' in outcome) this.settle.resolve(outcome.result);
    else this.settle.reject(outcome.error);
    this.onDone();
    this.wake();
  }

  private wake(): void {
    this.wakeReader?.();
    this.wakeReader = undefined;
    this.wakeWriter?.();
    this.wakeWriter = undefined;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<StreamEvent<Item>> {
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next) {
          this.bufferedBytes -= next.bytes;
          yield next.event;
          this.grant(next.bytes);
          continue;
        }
        if (this.finished) return;
        await new Promise<void>((resolve) => {
          this.wakeReader = resolve;
        });
      }
    } finally {
      // a consumer that stops reading early ends the stream on the agent
      if (!this.finished) this.cancel();
    }
  }

  private grant(bytes: number): void {
    this.ungranted += bytes;
    if (this.finished) return;
    if (this.ungranted >= STREAM_CHUNK_BYTES || this.queue.length === 0) {
      this.wire.sendJson({ type: 'credit', id: this.id, bytes: this.ungranted });
      this.ungranted = 0;
    }
  }

  /** Sends input bytes (stdin, an upload), waiting for the agent's credit. */
  async write(data: Buffer): Promise<void> {
    for (let at = 0; at < data.length; at += STREAM_CHUNK_BYTES) {
      const payload = data.subarray(at, at + STREAM_CHUNK_BYTES);
      while (this.sendCredit <= 0 && !this.finished) {
        await new Promise<void>((resolve) => {
          this.wakeWriter = resolve;
        });
      }
      if (this.finished) return;
      this.sendCredit -= payload.length;
      this.wire.sendBinary(encodeDataFrame({ id: this.id, channel: StreamChannel.input, payload }));
    }
  }

  endInput(): void {
    if (!this.finished) this.wire.sendJson({ type: 'input-end', id: this.id });
  }

  resize(rows: number, cols: number): void {
    if (!this.finished) this.wire.sendJson({ type: 'resize', id: this.id, rows, cols });
  }

  /** Ends the stream on the agent (an exec's process with it). */
  cancel(): void {
    if (!this.finished) this.wire.sendJson({ type: 'cancel', id: this.id });
  }
}

import { STREAM_CHUNK_BYTES, STREAM_WINDOW_BYTES } from '@berth/protocol';

/**
 * The agent's side of one stream's flow control. Outbound: `send` waits while the control plane
 * has granted no credit, so a producer that awaits it (a log reader, a paused pipe) stops
 * reading its source; at most one window is ever in flight or queued. Inbound: bytes the control
 * plane sends are queued until the procedure takes them, and only then is credit granted back.
 */
export class StreamFlow {
  private credit = STREAM_WINDOW_BYTES;
  private waiter: (() => void) | undefined;
  /** bytes handed to send() and not yet credited back by the control plane */
  unacked = 0;
  private readonly inbox: Buffer[] = [];
  private inboxBytes = 0;
  private inputEnded = false;
  private inputWaiter: (() => void) | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly grant: (bytes: number) => void,
  ) {
    signal.addEventListener('abort', () => this.wake(), { once: true });
  }

  /** Resolves once the bytes may go out (there is credit), then calls `emit` for each chunk. */
  async send(payload: Buffer, emit: (chunk: Buffer) => void): Promise<void> {
    for (let at = 0; at < payload.length || payload.length === 0; at += STREAM_CHUNK_BYTES) {
      const chunk = payload.subarray(at, at + STREAM_CHUNK_BYTES);
      await this.reserve(Math.max(chunk.length, 1));
      emit(chunk);
      if (payload.length === 0) return;
    }
  }

  async reserve(bytes: number): Promise<void> {
    while (this.credit <= 0 && !this.signal.aborted) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    if (this.signal.aborted) throw this.signal.reason;
    this.credit -= bytes;
    this.unacked += bytes;
  }

  onCredit(bytes: number): void {
    this.credit += bytes;
    this.unacked = Math.max(0, this.unacked - bytes);
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
    const i = this.inputWaiter;
    this.inputWaiter = undefined;
    i?.();
  }

  /** False when the control plane sent more than it was granted: a protocol violation. */
  pushInput(payload: Buffer): boolean {
    this.inboxBytes += payload.length;
    if (this.inboxBytes > STREAM_WINDOW_BYTES + STREAM_CHUNK_BYTES) return false;
    this.inbox.push(payload);
    this.wake();
    return true;
  }

  endInput(): void {
    this.inputEnded = true;
    this.wake();
  }

  /** The control plane's bytes, each granted back once the procedure took it. */
  async *input(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = this.inbox.shift();
      if (next) {
        this.inboxBytes -= next.length;
        yield next;
        this.grant(next.length);
        continue;
      }
      if (this.inputEnded || this.signal.aborted) return;
      await new Promise<void>((resolve) => {
        this.inputWaiter = resolve;
      });
    }
  }
}

/**
 * One shell in one container, owned by the control plane rather than by a page: it outlives the
 * browser (a reload, a dropped connection, a second tab attach again and get the buffered output
 * replayed), fans its output out to every attached viewer, and ends when its process exits, when
 * it is closed, or after IDLE_MS without any viewer (so a forgotten tab cannot leak a process).
 */

/** The exec stream on the agent (the link's LinkStream has this shape). */
export interface ExecStream extends AsyncIterable<{ kind: string; data?: Buffer }> {
  write(data: Buffer): Promise<void>;
  resize(rows: number, cols: number): void;
  cancel(): void;
  readonly result: Promise<{ exitCode: number }>;
}

export interface Viewer {
  send(frame: Buffer | string): void;
  close(code: number, reason: string): void;
}

/** Enough for a screenful of history many times over; older output is dropped from the replay. */
export const REPLAY_BYTES = 256 * 1024;
export const IDLE_MS = 30 * 60_000;

export class TerminalSession {
  private readonly chunks: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly viewers = new Set<Viewer>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** undefined while running; null when it ended without an exit code (link lost, cancelled) */
  exitCode: number | null | undefined;
  readonly ended: Promise<void>;

  constructor(
    readonly id: string,
    readonly hostId: string,
    readonly containerId: string,
    readonly ownerId: string,
    private readonly stream: ExecStream,
    private readonly idleMs = IDLE_MS,
  ) {
    this.ended = this.pump();
    this.armIdle();
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  private async pump(): Promise<void> {
    try {
      for await (const event of this.stream) {
        if ((event.kind === 'stdout' || event.kind === 'stderr') && event.data) this.output(event.data);
      }
      this.exitCode = (await this.stream.result).exitCode;
    } catch {
      this.exitCode = null;
    }
    this.exitCode ??= null;
    clearTimeout(this.idleTimer);
    const exit = JSON.stringify({ type: 'exit', exitCode: this.exitCode });
    for (const viewer of this.viewers) {
      viewer.send(exit);
      viewer.close(1000, 'session ended');
    }
    this.viewers.clear();
  }

  private output(data: Buffer): void {
    this.chunks.push(data);
    this.bufferedBytes += data.length;
    while (this.bufferedBytes - (this.chunks[0]?.length ?? 0) >= REPLAY_BYTES) {
      this.bufferedBytes -= this.chunks.shift()?.length ?? 0;
    }
    for (const viewer of this.viewers) viewer.send(data);
  }

  /** Sends the replay, then live output; an ended session replays and says how it ended. */
  attach(viewer: Viewer): void {
    const replay = Buffer.concat(this.chunks);
    viewer.send(JSON.stringify({ type: 'attached', replayBytes: replay.length }));
    if (replay.length > 0) viewer.send(replay);
    if (!this.running) {
      viewer.send(JSON.stringify({ type: 'exit', exitCode: this.exitCode ?? null }));
      viewer.close(1000, 'session ended');
      return;
    }
    this.viewers.add(viewer);
    clearTimeout(this.idleTimer);
  }

  detach(viewer: Viewer): void {
    this.viewers.delete(viewer);
    this.armIdle();
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  async input(data: string): Promise<void> {
    if (this.running) await this.stream.write(Buffer.from(data, 'utf8'));
  }

  resize(cols: number, rows: number): void {
    if (this.running) this.stream.resize(rows, cols);
  }

  /** Ends the process (the agent kills it when its exec stream is cancelled). */
  async close(): Promise<void> {
    if (this.running) this.stream.cancel();
    await this.ended;
  }

  private armIdle(): void {
    if (!this.running || this.viewers.size > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
    this.idleTimer.unref();
  }
}

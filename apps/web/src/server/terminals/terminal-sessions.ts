/**
 * Terminal sessions: an exec with a TTY on a host, held by the control plane so it outlives the
 * browser tab that opened it. Viewers attach by session id (after a reload, or several at once)
 * and get the recent output replayed from a bounded ring, then live output. The session reads
 * from the host as fast as it writes, so a slow viewer only skips ahead, never holds the host
 * back or makes anyone buffer. Closing the session (or its idle timeout) ends the process.
 */
import { randomBytes } from 'node:crypto';
import { type Actor, audited } from '../audit/audited.ts';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';
import type { LinkStream } from '../link/link-stream.ts';
import { OutputRing } from './output-ring.ts';

export type TerminalEvent =
  | { type: 'output'; offset: number; data: string }
  | { type: 'skipped'; bytes: number }
  | { type: 'exit'; exitCode: number | null; error?: string };

export interface TerminalInfo {
  id: string;
  hostId: string;
  containerId: string;
  cmd: string[];
  viewers: number;
  ended: boolean;
}

const RING_BYTES = 256 * 1024;

class TerminalSession {
  readonly ring = new OutputRing(RING_BYTES);
  viewers = 0;
  ended = false;
  exitCode: number | null = null;
  error: string | undefined;
  private readonly wakers = new Set<() => void>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly hostId: string,
    readonly containerId: string,
    readonly cmd: string[],
    readonly stream: LinkStream<never, { exitCode: number }>,
    private readonly idleMs: number,
    private readonly onIdle: () => void,
  ) {
    void this.pump();
    this.armIdle();
  }

  private async pump(): Promise<void> {
    try {
      for await (const e of this.stream) {
        if (e.kind !== 'item') this.ring.push(e.data);
        this.wake();
      }
      this.exitCode = (await this.stream.result).exitCode;
    } catch (err) {
      this.error = (err as Error).message;
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.wakers) w();
    this.wakers.clear();
  }

  /** With no viewer for `idleMs`, the session closes (a reload reattaches well within it). */
  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.viewers === 0) this.idleTimer = setTimeout(this.onIdle, this.idleMs).unref();
  }

  async *watch(from: number | undefined, signal: AbortSignal): AsyncGenerator<TerminalEvent> {
    this.viewers++;
    clearTimeout(this.idleTimer);
    const onAbort = () => this.wake();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let offset = from ?? this.ring.start;
      while (!signal.aborted) {
        if (offset < this.ring.start) {
          yield { type: 'skipped', bytes: this.ring.start - offset };
          offset = this.ring.start;
        }
        const chunk = this.ring.readFrom(offset);
        if (chunk.data.length > 0) {
          offset = chunk.offset + chunk.data.length;
          yield { type: 'output', offset: chunk.offset, data: chunk.data.toString('base64') };
          continue;
        }
        if (this.ended) {
          yield { type: 'exit', exitCode: this.exitCode, ...(this.error ? { error: this.error } : {}) };
          return;
        }
        await new Promise<void>((resolve) => this.wakers.add(resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.viewers--;
      this.armIdle();
    }
  }

  info(): TerminalInfo {
    const { id, hostId, containerId, cmd, viewers, ended } = this;
    return { id, hostId, containerId, cmd, viewers, ended };
  }
}

export class TerminalSessions {
  private readonly sessions = new Map<string, TerminalSession>();

  constructor(
    private readonly deps: Pick<Deps, 'db' | 'gateway'>,
    private readonly idleMs = 10 * 60_000,
  ) {}

  async open(
    actor: Actor,
    input: { hostId: string; containerId: string; cmd: string[]; rows: number; cols: number },
  ): Promise<TerminalInfo> {
    const { hostId, containerId, cmd, rows, cols } = input;
    const stream = await audited(
      this.deps.db,
      { actor, action: 'container.exec', hostId, target: containerId, detail: { cmd, tty: true } },
      () =>
        this.deps.gateway.stream(hostId, 'containers.exec', { id: containerId, cmd, tty: true, rows, cols }),
    );
    const id = randomBytes(16).toString('hex');
    const session = new TerminalSession(id, hostId, containerId, cmd, stream, this.idleMs, () =>
      this.end(id),
    );
    this.sessions.set(id, session);
    // an ended session stays a while so viewers can see how it ended, then it is forgotten
    void stream.result
      .catch(() => {})
      .finally(() => setTimeout(() => this.sessions.delete(id), 60_000).unref());
    return session.info();
  }

  private get(id: string): TerminalSession {
    const session = this.sessions.get(id);
    if (!session) throw new ServiceError('not-found', `no terminal session ${id} (it ended or never was)`);
    return session;
  }

  /** The host a session runs on, for the caller's access check. */
  hostOf(id: string): string {
    return this.get(id).hostId;
  }

  watch(id: string, from: number | undefined, signal: AbortSignal): AsyncGenerator<TerminalEvent> {
    return this.get(id).watch(from, signal);
  }

  async input(id: string, data: Buffer): Promise<void> {
    const session = this.get(id);
    if (session.ended) throw new ServiceError('conflict', `terminal session ${id} has ended`);
    await session.stream.write(data);
  }

  resize(id: string, rows: number, cols: number): void {
    this.get(id).stream.resize(rows, cols);
  }

  async close(actor: Actor, id: string): Promise<void> {
    const session = this.get(id);
    await audited(
      this.deps.db,
      { actor, action: 'terminal.close', hostId: session.hostId, target: session.containerId },
      async () => this.end(id),
    );
  }

  private end(id: string): void {
    this.sessions.get(id)?.stream.cancel();
  }

  /** Every session ends with the control plane (their processes on the hosts with them). */
  closeAll(): void {
    for (const id of this.sessions.keys()) this.end(id);
  }
}

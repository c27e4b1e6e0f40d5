/**
 * The control plane's open terminal sessions, by id. An ended session stays attachable for
 * ENDED_KEEP_MS (a reload right after `exit` still shows the output and how it ended), then goes.
 */
import { randomUUID } from 'node:crypto';
import { type ExecStream, IDLE_MS, TerminalSession } from './terminal-session.ts';

export const ENDED_KEEP_MS = 5 * 60_000;

export class TerminalSessions {
  private readonly sessions = new Map<string, TerminalSession>();

  constructor(private readonly options: { idleMs?: number; endedKeepMs?: number } = {}) {}

  add(owner: { hostId: string; containerId: string; ownerId: string }, stream: ExecStream): TerminalSession {
    const session = new TerminalSession(
      randomUUID(),
      owner.hostId,
      owner.containerId,
      owner.ownerId,
      stream,
      this.options.idleMs ?? IDLE_MS,
    );
    this.sessions.set(session.id, session);
    void session.ended.then(() => {
      setTimeout(() => this.sessions.delete(session.id), this.options.endedKeepMs ?? ENDED_KEEP_MS).unref();
    });
    return session;
  }

  get(id: string): TerminalSession | undefined {
    return this.sessions.get(id);
  }

  /** Ends every session (control plane shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.close()));
    this.sessions.clear();
  }
}

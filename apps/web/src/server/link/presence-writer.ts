import type { Db } from '@berth/db';

/**
 * Heartbeats are frequent (every agent, every 20 s) and each only moves a host's `lastSeenAt`:
 * they are gathered and written as one statement per interval, so ten thousand agents cost a
 * few writes a second, not hundreds.
 */
export class PresenceWriter {
  private seen = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly log: (message: string) => void,
    flushMs = 2000,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  touch(hostId: string): void {
    this.seen.add(hostId);
  }

  async flush(): Promise<void> {
    if (this.seen.size === 0) return;
    const ids = [...this.seen];
    this.seen = new Set();
    try {
      await this.db.host.updateMany({ where: { id: { in: ids } }, data: { lastSeenAt: new Date() } });
    } catch (err) {
      this.log(`link: recording heartbeats failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

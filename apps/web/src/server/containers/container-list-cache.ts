import type { HostFeed } from '../host-state/host-feed.ts';

/** entries kept: the few filters pages and scripts use at a time */
const MAX_ENTRIES = 16;

/**
 * The stored container list per filter, kept until any host's stored state changes (the host
 * feed says so after every write: agent reports, presence, host rename and removal). Building
 * 10,000 rows in PostgreSQL costs more than everything else of a list; most lists repeat one
 * that nothing has changed since.
 */
export class ContainerListCache<Row> {
  private version = 0;
  private readonly entries = new Map<string, Row[]>();

  constructor(feed: HostFeed) {
    feed.subscribe(() => this.invalidate());
  }

  invalidate(): void {
    this.version++;
    this.entries.clear();
  }

  async get(key: string, load: () => Promise<Row[]>): Promise<Row[]> {
    const hit = this.entries.get(key);
    if (hit) return hit;
    const version = this.version;
    const rows = await load();
    // a change while it loaded may have made it stale: then it serves this caller only
    if (version === this.version) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, rows);
    }
    return rows;
  }
}

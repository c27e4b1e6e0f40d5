import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Garbage collection must not see the blobs and layers of an operation
 * that has stored them but not yet recorded them (containerd uses leases
 * for this). Operations that add content share the lock; GC takes it
 * exclusively, waiting for them to finish and holding new ones back.
 */
export class GcLock {
  /** set inside a shared section, so nested shared calls do not queue behind a waiting GC (deadlock) */
  private readonly inside = new AsyncLocalStorage<true>();
  private active = 0;
  private gc: Promise<unknown> | null = null;
  private idle: (() => void) | null = null;

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inside.getStore()) return fn();
    while (this.gc) await this.gc.catch(() => {});
    this.active++;
    try {
      return await this.inside.run(true, fn);
    } finally {
      this.active--;
      if (this.active === 0) this.idle?.();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.gc) await this.gc.catch(() => {});
    const run = (async () => {
      while (this.active > 0) await new Promise<void>((r) => (this.idle = r));
      this.idle = null;
      return fn();
    })();
    this.gc = run;
    try {
      return await run;
    } finally {
      this.gc = null;
    }
  }
}

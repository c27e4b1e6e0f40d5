import { EventEmitter } from 'node:events';

export type HostStateKind = 'containers' | 'images' | 'volumes' | 'networks' | 'presence';

export interface HostChange {
  hostId: string;
  kinds: HostStateKind[];
}

/** Tells live subscribers (pages) that a host's stored state changed, after it was written. */
export class HostFeed {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0); // one per open page
  }

  publish(change: HostChange): void {
    this.emitter.emit('change', change);
  }

  /** Every change as it is published (for caches of the stored state); returns the unsubscribe. */
  subscribe(listener: (change: HostChange) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }

  /** Changes as an async iterable until the signal aborts; a slow reader sees changes merged per host. */
  async *changes(signal: AbortSignal): AsyncGenerator<HostChange> {
    const pending = new Map<string, Set<HostStateKind>>();
    let wake: (() => void) | undefined;
    const listener = (c: HostChange) => {
      const kinds = pending.get(c.hostId) ?? new Set();
      for (const k of c.kinds) kinds.add(k);
      pending.set(c.hostId, kinds);
      wake?.();
    };
    this.emitter.on('change', listener);
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (pending.size === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
          continue;
        }
        const [hostId, kinds] = pending.entries().next().value as [string, Set<HostStateKind>];
        pending.delete(hostId);
        yield { hostId, kinds: [...kinds] };
      }
    } finally {
      this.emitter.off('change', listener);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

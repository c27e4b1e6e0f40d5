import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Errors worth another attempt: a dropped connection, a timeout, a 5xx or a
 * 429. Kept apart from the error's code so that what the caller finally sees
 * is still a plain EngineError.
 */
const transient = new WeakSet<object>();

export function markTransient<E extends Error>(err: E): E {
  transient.add(err);
  return err;
}

export function isTransient(err: unknown): boolean {
  return typeof err === 'object' && err !== null && transient.has(err);
}

export interface RetryOptions {
  attempts: number;
  backoffMs: number;
  signal?: AbortSignal | undefined;
  /** told before each new attempt (progress can say "Retrying") */
  onRetry?: (attempt: number, err: unknown) => void;
}

/** Runs fn until it succeeds, fails with a non-transient error, or attempts run out; backoff doubles, with jitter. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= options.attempts || !isTransient(err) || options.signal?.aborted) throw err;
      options.onRetry?.(attempt, err);
      const delay = options.backoffMs * 2 ** (attempt - 1);
      await sleep(delay / 2 + Math.random() * (delay / 2), undefined, { signal: options.signal });
    }
  }
}

/** Runs at most `n` tasks at once; queued tasks are told so (progress says "Waiting"). */
export function createLimiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async function run<T>(fn: () => Promise<T>, onQueued?: () => void): Promise<T> {
    if (active >= n) {
      onQueued?.();
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      active++;
    }
    try {
      return await fn();
    } finally {
      // hand the slot straight to the next task, so active never dips and lets a newcomer jump the queue
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
}

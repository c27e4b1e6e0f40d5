/**
 * Reconnect delays with "full jitter": a random delay up to an exponentially
 * growing cap, so a control-plane restart is not met by every agent at once.
 */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 30_000, random = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(cap * (0.5 + random() / 2));
}

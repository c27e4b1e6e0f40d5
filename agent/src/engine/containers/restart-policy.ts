import type { RestartPolicy } from './spec.ts';

/**
 * Whether a container that just exited should be started again, and after
 * how long. Backoff doubles from 100 ms up to a minute, as Docker does, and
 * resets once a run lasted at least 10 s.
 */
export interface ExitFacts {
  exitCode: number;
  stoppedByUser: boolean;
  restartCount: number;
  /** how long the run that just ended lasted */
  ranForMs: number;
  /** the previous delay, 0 on the first restart */
  previousDelayMs: number;
}

export type RestartDecision = { restart: false } | { restart: true; delayMs: number };

const MIN_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_MS = 10_000;

export function decideRestart(policy: RestartPolicy, facts: ExitFacts): RestartDecision {
  if (facts.stoppedByUser) return { restart: false };
  switch (policy.name) {
    case 'no':
      return { restart: false };
    case 'on-failure':
      if (facts.exitCode === 0) return { restart: false };
      if (policy.maximumRetryCount > 0 && facts.restartCount >= policy.maximumRetryCount)
        return { restart: false };
      break;
    case 'always':
    case 'unless-stopped':
      break;
    default: {
      const unreachable: never = policy.name;
      throw new Error(`unknown restart policy ${unreachable}`);
    }
  }
  const delayMs =
    facts.ranForMs >= RESET_AFTER_MS || facts.previousDelayMs === 0
      ? MIN_DELAY_MS
      : Math.min(MAX_DELAY_MS, facts.previousDelayMs * 2);
  return { restart: true, delayMs };
}

/** On agent start (host boot or agent restart), which stopped containers come back. */
export function restartsOnDaemonStart(
  policy: RestartPolicy,
  stoppedByUser: boolean,
  exitCode: number,
): boolean {
  if (policy.name === 'always') return true;
  if (policy.name === 'unless-stopped') return !stoppedByUser;
  if (policy.name === 'on-failure') return !stoppedByUser && exitCode !== 0;
  return false;
}

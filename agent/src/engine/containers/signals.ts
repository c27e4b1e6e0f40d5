import { constants } from 'node:os';
import { EngineError } from '../errors.ts';

const byName = constants.signals as Record<string, number>;

/** Docker's signal forms: `SIGKILL`, `KILL`, `9`. */
export function parseSignal(text: string): number {
  const upper = text.trim().toUpperCase();
  if (/^\d+$/.test(upper)) {
    const n = Number(upper);
    if (n >= 1 && n <= 64) return n;
  } else {
    const n = byName[upper.startsWith('SIG') ? upper : `SIG${upper}`];
    if (n !== undefined) return n;
  }
  throw new EngineError('invalid', `invalid signal: ${text}`);
}

export function signalName(signal: number): string {
  return Object.entries(byName).find(([, n]) => n === signal)?.[0] ?? String(signal);
}

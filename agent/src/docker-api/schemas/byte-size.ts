import { EngineError } from '../../engine/errors.ts';

const units: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Docker's human sizes: `64m`, `1g`, `512k`, `100` (bytes); binary multiples, as the CLI uses. */
export function parseByteSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new EngineError('invalid', `invalid size: '${text}'`);
  return Math.round(Number(m[1]) * units[m[2]!.toLowerCase()]!);
}

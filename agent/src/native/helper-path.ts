import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../engine/errors.ts';

/** The berth-runtime binary built from agent/native at install time (BERTH_RUNTIME overrides it). */
export function nativeHelperPath(): string {
  const path = process.env.BERTH_RUNTIME ?? join(import.meta.dirname, '../../native/build/berth-runtime');
  if (!existsSync(path)) {
    throw new EngineError('unavailable', `native helper not built at ${path}: run make -C agent/native`);
  }
  return path;
}

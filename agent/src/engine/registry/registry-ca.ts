import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';
import type { RegistryConfig } from './registry-config.ts';

/**
 * The extra CAs trusted for one registry host: its configured CA file and,
 * Docker-style, `<certsDir>/<host>/*.crt`. Read when the host's TLS agent is
 * made (once per host per agent run).
 */
export function readCaFiles(config: RegistryConfig, host: string): string[] {
  const out: string[] = [];
  const file = config.caFiles[host];
  if (file !== undefined) {
    try {
      out.push(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new EngineError('invalid', `CA file for ${host} (${file}) cannot be read`, { cause: err });
    }
  }
  if (config.certsDir !== undefined) {
    const dir = join(config.certsDir, host.replace(/[/\\]/g, '_'));
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // no directory for this host: nothing extra
    }
    for (const n of names.filter((n) => n.endsWith('.crt')).sort())
      out.push(readFileSync(join(dir, n), 'utf8'));
  }
  return out;
}

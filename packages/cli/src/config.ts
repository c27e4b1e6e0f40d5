/**
 * Where the CLI finds its control plane and token: BERTH_URL and BERTH_TOKEN when set, otherwise
 * what `berth login` saved in $XDG_CONFIG_HOME/berth/config.json (default ~/.config), mode 0600.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CliError } from './cli-error.ts';

const SavedConfig = z.object({ url: z.url(), token: z.string().startsWith('berth_') });
export type CliConfig = z.infer<typeof SavedConfig>;

function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'berth', 'config.json');
}

function readSaved(path: string): Partial<CliConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  const parsed = SavedConfig.safeParse(JSON.parse(text));
  if (!parsed.success) throw new CliError(`${path} is not a valid berth config; run berth login again`);
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const saved = readSaved(configPath(env));
  const url = env.BERTH_URL || saved.url;
  const token = env.BERTH_TOKEN || saved.token;
  if (!url || !token) throw new CliError('not logged in: run berth login, or set BERTH_URL and BERTH_TOKEN');
  return { url: url.replace(/\/+$/, ''), token };
}

/** Written to a private temporary file and renamed, so the token is never readable by others. */
export function saveConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(SavedConfig.parse(config), null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

import { EngineError } from '../errors.ts';

/** PATH when neither the image nor the caller sets one (Docker's default). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ImageDefaults {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
}

export interface CommandRequest {
  entrypoint?: string[];
  cmd?: string[];
  env: string[];
  workingDir?: string;
  user?: string;
}

/**
 * Docker's rules for what a container runs: a given entrypoint replaces the
 * image's and then drops the image's Cmd; a given cmd replaces the image's
 * Cmd; the two are concatenated. Env is the image's overlaid by the caller's,
 * key by key, with PATH defaulted.
 */
export function resolveCommand(image: ImageDefaults, request: CommandRequest) {
  const entrypoint = request.entrypoint ?? image.Entrypoint ?? [];
  const cmd = request.cmd ?? (request.entrypoint !== undefined ? [] : (image.Cmd ?? []));
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw new EngineError('invalid', 'no command specified');
  return {
    path: argv[0]!,
    args: argv.slice(1),
    env: mergeEnv(image.Env ?? [], request.env),
    workingDir: request.workingDir || image.WorkingDir || '/',
    user: request.user ?? image.User ?? '',
  };
}

export function mergeEnv(base: string[], overrides: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const entry of [...base, ...overrides]) {
    const eq = entry.indexOf('=');
    byKey.set(eq === -1 ? entry : entry.slice(0, eq), entry);
  }
  if (!byKey.has('PATH')) byKey.set('PATH', `PATH=${DEFAULT_PATH}`);
  // `-e KEY` without a value means "unset unless given": Docker drops it from the environment
  return [...byKey.values()].filter((e) => e.includes('='));
}

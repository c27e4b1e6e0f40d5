/**
 * The engine's one error type. Codes are a closed set; each front door (Docker
 * API, control-plane link, CLI) maps them to its own statuses in one table.
 * Domain code never throws transport errors.
 */
export type EngineErrorCode =
  | 'not_found' // no such container, image, volume, network
  | 'conflict' // name taken, container running, image in use
  | 'invalid' // bad parameter or malformed input
  | 'not_modified' // already started / already stopped
  | 'forbidden' // refused by policy (e.g. tarball escaping its root)
  | 'unauthorized' // credentials missing or refused (a registry login)
  | 'unavailable' // a host facility is missing (no overlayfs, no cgroup controller)
  | 'internal';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isEngineError(err: unknown, code?: EngineErrorCode): err is EngineError {
  return err instanceof EngineError && (code === undefined || err.code === code);
}

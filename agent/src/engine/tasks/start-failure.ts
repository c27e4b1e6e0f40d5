/**
 * The cause attached to the EngineError of a start (or exec) that failed
 * before the command ran, carrying the exit code Docker reports for it:
 * 127 command not found, 126 not executable, 125 the runtime itself failed.
 */
export class StartFailure {
  constructor(readonly exitCode: number) {}
}

/** the exit code of a failed start, when err is one */
export function startFailureExitCode(err: unknown): number | undefined {
  const cause = err instanceof Error ? err.cause : undefined;
  return cause instanceof StartFailure ? cause.exitCode : undefined;
}

/**
 * The data directory and its lock. One `npm start` per data directory: a second one would fight
 * the first over PostgreSQL and the agent, so it stops with the first one's pid.
 */
import { accessSync, closeSync, constants, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processCommand, takePidFile } from '@berth/process';
import { LaunchError } from './launch-error.ts';

export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.write-probe-${process.pid}`);
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
  } catch (err) {
    throw new LaunchError(
      `data directory ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); set BERTH_DATA to another directory`,
    );
  }
}

/** A live Node process: after a reboot the pid in a stale lock may belong to something else. */

/** Takes <dir>/berth.pid; returns its release. A pid file whose process is gone is taken over. */
export function lockDataDir(dir: string): () => void {
  return takePidFile(join(dir, 'berth.pid'), {
    // a pid reused by something else since a killed run does not hold the data
    holds: (pid) => processCommand(pid)?.includes('node') ?? false,
    held: (pid) => new LaunchError(`Berth is already running on ${dir} (pid ${pid}); stop it first`),
  });
}

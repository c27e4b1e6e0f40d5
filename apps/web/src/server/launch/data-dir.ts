/**
 * The data directory and its lock. One `npm start` per data directory: a second one would fight
 * the first over PostgreSQL and the agent, so it stops with the first one's pid.
 */
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
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
function isLiveBerth(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]?.includes('node') ?? false;
  } catch {
    return false;
  }
}

/** Takes <dir>/berth.pid; returns its release. A pid file whose process is gone is taken over. */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'berth.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isLiveBerth(pid)) {
        throw new LaunchError(`Berth is already running on ${dir} (pid ${pid}); stop it first`);
      }
      rmSync(file, { force: true }); // left by a run that was killed
    }
  }
  throw new LaunchError(`cannot take the lock ${file}`);
}

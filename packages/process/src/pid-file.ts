import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { processAlive } from './process-alive.ts';

export interface PidFileOptions {
  /** does a live pid found in the file still hold it? (guards against a reused pid) */
  holds?: (pid: number) => boolean;
  /** the error to throw when it is held */
  held: (pid: number) => Error;
}

/**
 * One process per resource: a pid file taken with O_EXCL. A file left by a
 * process that is gone (SIGKILL, power loss) is taken over. Returns the
 * release, which removes the file only while it is still ours.
 */
export function takePidFile(file: string, options: PidFileOptions): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (
        Number.isInteger(pid) &&
        pid > 0 &&
        pid !== process.pid &&
        processAlive(pid) &&
        (options.holds?.(pid) ?? true)
      ) {
        throw options.held(pid);
      }
      unlinkSync(file);
    }
  }
  throw new Error(`could not take ${file}`);
}

import { EngineError } from '../errors.ts';
import { readPids, waitFor } from './fs.ts';

/** Sends SIGKILL to every pid listed now; returns how many were listed. */
export async function signalListed(procsFiles: string[]): Promise<number> {
  let n = 0;
  for (const f of procsFiles) {
    for (const pid of await readPids(f)) {
      n++;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone: the kernel lists exiting tasks until they are released
      }
    }
  }
  return n;
}

/** SIGKILL every pid listed in the procs files until they stay empty. */
export async function killListed(procsFiles: string[], timeoutMs = 5000): Promise<void> {
  const ok = await waitFor(async () => (await signalListed(procsFiles)) === 0, timeoutMs, 10);
  if (!ok)
    throw new EngineError('internal', `processes in ${procsFiles[0] ?? 'cgroup'} did not exit after SIGKILL`);
}

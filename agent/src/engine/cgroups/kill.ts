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

/**
 * SIGKILLs everything in a group, frozen first so that no process forks its
 * way out between the listing and the signal. A group that will not freeze
 * (no freezer) is killed all the same, without that guarantee.
 */
export async function killFrozen(group: {
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  procsFiles(): string[];
}): Promise<void> {
  let frozen = false;
  try {
    await group.freeze();
    frozen = true;
  } catch {
    // killed below regardless
  }
  await signalListed(group.procsFiles());
  if (frozen) await group.thaw();
  await killListed(group.procsFiles());
}

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Cgroup } from './types.ts';

/** A parent name of its own for each test file, so parallel suites never meet. */
export function testParent(): string {
  return `berthtest-${randomBytes(4).toString('hex')}`;
}

/**
 * Starts `script` under sh after the shell has put itself into every
 * hierarchy of the cgroup, so everything the script starts is inside.
 */
export function spawnIn(cg: Cgroup, script: string): ChildProcess {
  const join = 'for f; do echo $$ > "$f" || exit 99; done; exec sh -c "$BERTH_TEST_SCRIPT"';
  return spawn('sh', ['-c', join, 'sh', ...cg.procsFiles()], {
    env: { ...process.env, BERTH_TEST_SCRIPT: script },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Kills by pid; a test never leaves a process behind, even on failure. */
export function killChild(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

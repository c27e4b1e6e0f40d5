/**
 * A throwaway dockerd for comparisons: its own data root, exec root and
 * socket under /tmp, busybox loaded, stopped by its pid when `use` is done.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_CLI } from '../agent/src/docker-api/testing/agent-under-test.ts';
import { busyboxArchive } from '../agent/src/engine/images/testing/busybox-image.ts';

export const DOCKERD = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));

export async function withDockerd(
  extraArgs: string[],
  use: (env: NodeJS.ProcessEnv) => Promise<void>,
): Promise<void> {
  if (!DOCKERD) {
    console.log('dockerd: not installed (apt-get install -y docker.io to compare)');
    return;
  }
  const dir = mkdtempSync('/tmp/berthbench-dockerd-');
  const sock = join(dir, 'docker.sock');
  const env = { ...process.env, DOCKER_HOST: `unix://${sock}` };
  const dockerd = spawn(
    DOCKERD,
    [
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '-H',
      `unix://${sock}`,
      ...extraArgs,
    ],
    { stdio: 'ignore' },
  );
  try {
    for (let i = 0; i < 100 && spawnSync(DOCKER_CLI, ['version'], { env }).status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const archive = join(dir, 'busybox.tar');
    writeFileSync(archive, busyboxArchive().archive);
    spawnSync(DOCKER_CLI, ['load', '-i', archive], { env });
    await use(env);
  } finally {
    if (dockerd.pid && dockerd.exitCode === null) {
      dockerd.kill('SIGTERM');
      await new Promise((r) => dockerd.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

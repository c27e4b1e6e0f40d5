/**
 * A throwaway dockerd (Debian's docker.io) for benchmarks to compare with:
 * its own data root, exec root, socket and pid file under one temp dir, no
 * bridge and no firewall rules. stop() ends it by its pid, unmounts what it
 * left mounted and removes the dir.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DOCKER_CLI } from '../agent/src/docker-api/testing/agent-under-test.ts';

const DOCKERD = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));

export interface Dockerd {
  /** environment for the docker CLI: DOCKER_HOST points at this dockerd */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * undefined when docker.io is not installed. `network` replaces the default
 * no-bridge flags, for benches that compare bridge networking.
 */
export async function startDockerd(
  network: string[] = ['--bridge=none', '--iptables=false'],
): Promise<Dockerd | undefined> {
  if (DOCKERD === undefined) return undefined;
  const dir = mkdtempSync('/tmp/berthbench-dockerd-');
  const sock = join(dir, 'docker.sock');
  const env = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(dir, 'cli') };
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child: ChildProcess = spawn(
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
      ...network,
      '--ip6tables=false',
    ],
    { stdio: ['ignore', log, log] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      if ((await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)])) === false) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    }
    // mounts dockerd left (overlay layers, its netns and exec root), deepest first
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; spawnSync(DOCKER_CLI, ['version'], { env }).status !== 0; i++) {
    if (i > 150 || child.exitCode !== null) {
      const why = readFileSync(join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-10).join('\n');
      await stop();
      throw new Error(`dockerd did not come up:\n${why}`);
    }
    await sleep(200);
  }
  return { env, stop };
}

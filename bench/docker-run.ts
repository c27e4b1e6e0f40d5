/**
 * Issue 4's target: `docker run --rm busybox true` through Berth's socket,
 * CLI included, beside the same through dockerd when Debian's docker.io is
 * installed (started here with its own data root and stopped by its pid).
 *   node --import tsx bench/docker-run.ts [runs]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentUnderTest, DOCKER_CLI } from '../agent/src/docker-api/testing/agent-under-test.ts';
import { busyboxArchive } from '../agent/src/engine/images/testing/busybox-image.ts';
import { msSince, report } from './stats.ts';

process.stdout.on('error', () => {});
const runs = Number(process.argv[2] ?? 30);

function timeRuns(env: NodeJS.ProcessEnv): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(DOCKER_CLI, ['run', '--rm', 'busybox', 'true'], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`docker run failed: ${r.stderr}`);
    if (i >= 3) times.push(msSince(t0));
  }
  return times;
}

const agent = await AgentUnderTest.start();
try {
  report('berth: docker run --rm busybox true', timeRuns(agent.env()));
} finally {
  await agent.stop();
}

if (!existsSync('/usr/bin/dockerd')) {
  console.log('dockerd: not installed (apt-get install -y docker.io to compare)');
} else {
  const dir = mkdtempSync('/tmp/berthbench-dockerd-');
  const sock = join(dir, 'docker.sock');
  const env = { ...process.env, DOCKER_HOST: `unix://${sock}` };
  let dockerd: ChildProcess | undefined;
  try {
    dockerd = spawn(
      '/usr/bin/dockerd',
      [
        '--data-root',
        join(dir, 'data'),
        '--exec-root',
        join(dir, 'exec'),
        '--pidfile',
        join(dir, 'dockerd.pid'),
        '-H',
        `unix://${sock}`,
        '--bridge',
        'none',
        '--iptables=false',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100 && spawnSync(DOCKER_CLI, ['version'], { env }).status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const archive = join(dir, 'busybox.tar');
    writeFileSync(archive, busyboxArchive().archive);
    spawnSync(DOCKER_CLI, ['load', '-i', archive], { env });
    report('dockerd: docker run --rm busybox true', timeRuns(env));
  } finally {
    if (dockerd?.pid) {
      dockerd.kill('SIGTERM');
      await new Promise((r) => dockerd?.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(0);

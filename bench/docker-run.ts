/**
 * Issue 4's target: `docker run --rm busybox true` through Berth's socket,
 * CLI included, beside the same through dockerd when Debian's docker.io is
 * installed (bench/dockerd.ts: its own data root, stopped by its pid).
 *   node --import tsx bench/docker-run.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { AgentUnderTest, DOCKER_CLI } from '../agent/src/docker-api/testing/agent-under-test.ts';
import { busyboxArchive } from '../agent/src/engine/images/testing/busybox-image.ts';
import { startDockerd } from './dockerd.ts';
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

const dockerd = await startDockerd();
if (dockerd === undefined) {
  console.log('dockerd: not installed (apt-get install -y docker.io to compare)');
} else {
  try {
    spawnSync(DOCKER_CLI, ['load'], { env: dockerd.env, input: busyboxArchive().archive });
    report('dockerd: docker run --rm busybox true', timeRuns(dockerd.env));
  } finally {
    await dockerd.stop();
  }
}
process.exit(0);

/**
 * Issue 4's target: `docker run --rm busybox true` through Berth's socket,
 * CLI included, beside the same through dockerd when Debian's docker.io is
 * installed (started here with its own data root and stopped by its pid).
 *   node --import tsx bench/docker-run.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { AgentUnderTest, DOCKER_CLI } from '../agent/src/docker-api/testing/agent-under-test.ts';
import { withDockerd } from './dockerd.ts';
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

await withDockerd(['--bridge', 'none', '--iptables=false'], async (env) => {
  report('dockerd: docker run --rm busybox true', timeRuns(env));
});
process.exit(0);

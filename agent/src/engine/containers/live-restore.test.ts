import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { AgentUnderTest } from '../../docker-api/testing/agent-under-test.ts';

/**
 * Live-restore: SIGKILL the agent; its containers keep running and logging; a
 * new agent adopts them, records the exit code of one that ended meanwhile,
 * and restarts one whose policy says so.
 */
test('containers outlive a SIGKILLed agent and are adopted by the next one', async () => {
  let agent = await AgentUnderTest.start();
  after(() => agent.stop());
  const docker = (...args: string[]) => agent.docker(args);

  const ticker = await docker(
    'run',
    '-d',
    '--name',
    'berthtest-ticker',
    'busybox',
    'sh',
    '-c',
    'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done',
  );
  assert.equal(ticker.code, 0, ticker.stderr);
  await docker('run', '-d', '--name', 'berthtest-short', 'busybox', 'sh', '-c', 'sleep 1; exit 7');
  await docker(
    'run',
    '-d',
    '--name',
    'berthtest-always',
    '--restart',
    'always',
    'busybox',
    'sh',
    '-c',
    'sleep 1; exit 1',
  );
  const pid = Number((await docker('inspect', '-f', '{{.State.Pid}}', 'berthtest-ticker')).stdout);

  agent.kill9();
  await new Promise((r) => setTimeout(r, 2000));
  // while no agent runs: the container lives on and its output is still logged
  execFileSync('kill', ['-0', String(pid)]);

  agent = await agent.restart();
  const after9 = await docker('inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'berthtest-ticker');
  assert.equal(after9.stdout, `running ${pid}\n`);
  const logs = (await docker('logs', 'berthtest-ticker')).stdout.trim().split('\n');
  assert.ok(logs.length >= 10, `logged while the agent was away: ${logs.length} lines`);
  assert.deepEqual(
    logs.map((l) => Number(l.split(' ')[1])),
    logs.map((_, i) => i + 1),
    'nothing lost, nothing repeated',
  );
  assert.equal(
    (await docker('inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'berthtest-short')).stdout,
    'exited 7\n',
  );
  const always = await docker('inspect', '-f', '{{.RestartCount}}', 'berthtest-always');
  assert.ok(Number(always.stdout) >= 1, 'the restart policy applied to the exit it missed');

  // the adopted container is fully under control again
  const stop = await docker('stop', '-t', '1', 'berthtest-ticker');
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal((await docker('inspect', '-f', '{{.State.ExitCode}}', 'berthtest-ticker')).stdout, '137\n');
});

/** the host pid of the `sh … marker` process (not the docker CLI that asked for it), if one runs */
function findProcess(marker: string): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    const argv = cmdline.split('\0');
    if (argv[0] === 'sh' && argv.includes(marker)) return Number(name);
  }
  return undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('an exec with a TTY outlives a SIGKILLed agent; the next one records its exit code', async () => {
  let agent = await AgentUnderTest.start();
  after(() => agent.stop());
  const docker = (...args: string[]) => agent.docker(args);
  assert.equal(
    (await docker('run', '-d', '--name', 'berthtest-execlive', 'busybox', 'sleep', '300')).code,
    0,
  );
  const marker = `berthtest-exec-${process.pid}`;
  // as a user at a terminal: `docker exec -it`, whose session ends with the agent
  const session = agent.docker(['exec', '-it', 'berthtest-execlive', 'sh', '-c', 'sleep 3; exit 5', marker], {
    tty: true,
  });
  const pid = await until('the exec to run', () => findProcess(marker));
  agent.kill9();
  await session;
  await new Promise((r) => setTimeout(r, 500));
  execFileSync('kill', ['-0', String(pid)]); // alive with no agent

  agent = await agent.restart();
  const ids = JSON.parse((await docker('inspect', '-f', '{{json .ExecIDs}}', 'berthtest-execlive')).stdout);
  assert.equal(ids.length, 1);
  const inspect = () =>
    JSON.parse(
      execFileSync('curl', ['-s', '--unix-socket', agent.socket, `http://localhost/exec/${ids[0]}/json`], {
        encoding: 'utf8',
      }),
    );
  const ended = await until('the exec to end', () => {
    const s = inspect();
    return s.Running ? undefined : s;
  });
  assert.equal(ended.ExitCode, 5);
  assert.equal(ended.Pid, pid);
  assert.equal(findProcess(marker), undefined);
});

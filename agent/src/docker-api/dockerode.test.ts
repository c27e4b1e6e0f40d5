import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { AgentUnderTest } from './testing/agent-under-test.ts';

/** dockerode, the Node client most tools build on, against a real Berth agent. */
describe('dockerode', () => {
  let agent: AgentUnderTest;
  let docker: Docker;
  before(async () => {
    agent = await AgentUnderTest.start();
    docker = new Docker({ socketPath: agent.socket });
  });
  after(async () => {
    await agent?.stop();
  });

  const collect = (stream: NodeJS.ReadableStream) => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d) => {
      stdout += d;
    });
    err.on('data', (d) => {
      stderr += d;
    });
    docker.modem.demuxStream(stream, out, err);
    return new Promise<{ stdout: string; stderr: string }>((resolve) =>
      stream.on('end', () => resolve({ stdout, stderr })),
    );
  };

  test('ping and version negotiate', async () => {
    assert.equal(String(await docker.ping()), 'OK');
    const version = await docker.version();
    assert.ok(Number(version.ApiVersion) >= 1.41);
  });

  test('create, start, logs, wait, inspect, remove', async () => {
    const container = await docker.createContainer({
      Image: 'busybox',
      name: 'berthtest-node',
      Cmd: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 2'],
      Labels: { owner: 'berthtest' },
    });
    await container.start();
    assert.deepEqual(await container.wait(), { StatusCode: 2, Error: null });
    const logs = await container.logs({ stdout: true, stderr: true, follow: true });
    assert.deepEqual(await collect(logs), { stdout: 'to-out\n', stderr: 'to-err\n' });
    const info = await container.inspect();
    assert.equal(info.State.ExitCode, 2);
    assert.equal(info.Config.Labels.owner, 'berthtest');
    await container.remove();
    await assert.rejects(container.inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
  });

  test('exec with separate streams and its exit code; stats of a running container', async () => {
    const container = await docker.createContainer({
      Image: 'busybox',
      Cmd: ['sleep', '300'],
      name: 'berthtest-node-exec',
    });
    await container.start();
    const exec = await container.exec({
      Cmd: ['sh', '-c', 'echo a; echo b >&2; exit 5'],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    assert.deepEqual(await collect(stream), { stdout: 'a\n', stderr: 'b\n' });
    const inspected = await exec.inspect();
    assert.equal(inspected.ExitCode, 5);
    assert.equal(inspected.Running, false);
    const stats = await container.stats({ stream: false });
    assert.ok(stats.memory_stats.usage > 0, 'memory usage read from the cgroup');
    assert.ok((stats.pids_stats?.current ?? 0) >= 1, 'pids counted');
    await container.remove({ force: true });
  });

  test('attach with stdin: what goes in comes out, even after the client half-closes', async () => {
    const container = await docker.createContainer({
      Image: 'busybox',
      Cmd: ['sh', '-c', 'tr a-z A-Z'],
      OpenStdin: true,
      StdinOnce: true,
      name: 'berthtest-node-attach',
    });
    const stream = await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    });
    const output = collect(stream);
    await container.start();
    stream.end('half closed\n');
    assert.deepEqual(await output, { stdout: 'HALF CLOSED\n', stderr: '' });
    assert.deepEqual(await container.wait(), { StatusCode: 0, Error: null });
    await container.remove();
  });

  test('bad input gets Docker’s errors, not a crash', async () => {
    await assert.rejects(
      docker.createContainer({ Image: 'berthtest-nope:1' }),
      (err: { statusCode?: number }) => err.statusCode === 404,
    );
    await assert.rejects(
      docker.createContainer({ Image: 'busybox', HostConfig: { Memory: 'lots' as unknown as number } }),
      (err: { statusCode?: number; json?: { message?: string } }) =>
        err.statusCode === 400 && /Memory/.test(err.json?.message ?? ''),
    );
    assert.equal(String(await docker.ping()), 'OK', 'still serving');
  });
});

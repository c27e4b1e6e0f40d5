/**
 * Two real agents, each a test host in its own network namespace, joined over a berthtest
 * bridge to one control plane with real PostgreSQL: containers, logs, exec with a TTY, flow
 * control, deadlines, an agent killed and back, a control plane restarted, impostors refused.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LINK_PATH, STREAM_CHUNK_BYTES, STREAM_WINDOW_BYTES } from '@berth/protocol';
import WebSocket from 'ws';
import { openEngine } from '../../../../../agent/src/engine/engine.ts';
import { actOnContainers } from '../containers/container-actions.ts';
import { listContainers } from '../containers/list-containers.ts';
import type { ControlPlane } from '../control-plane.ts';
import { ServiceError } from '../errors.ts';
import { TestHosts, until } from './testing/test-hosts.ts';

async function rejectsWith(promise: Promise<unknown>, code: ServiceError['code'], pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ServiceError, `expected a ServiceError, got ${err}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('agent link: two test hosts, one control plane', { timeout: 240_000 }, () => {
  const hosts = new TestHosts();
  const { agents, hostIds, admin } = hosts;
  let cp: ControlPlane;

  before(async () => {
    await hosts.start(2);
    cp = hosts.cp;
  });
  after(() => hosts.stop());

  const run = (host: number, name: string, cmd: string[], extra: { tty?: boolean } = {}) =>
    cp.deps.gateway.call(hostIds[host]!, 'containers.run', { image: 'busybox', name, cmd, ...extra });

  test('a container run on each host through the gateway shows in the cross-host list', async () => {
    await run(0, 'berthtest-web', ['sleep', '1000']);
    await run(1, 'berthtest-worker', ['sleep', '1000']);
    const rows = await until('both containers listed as running', async () => {
      const list = await listContainers(cp.deps.db, { search: 'berthtest-', status: 'running' });
      return list.length === 2 && list;
    });
    assert.deepEqual(
      rows.map((r) => [r.hostName, r.name, r.image]),
      [
        ['berthtest-host-1', 'berthtest-web', 'busybox'],
        ['berthtest-host-2', 'berthtest-worker', 'busybox'],
      ],
    );
    const byHost = await listContainers(cp.deps.db, { sort: 'host', order: 'desc' });
    assert.deepEqual(
      byHost.filter((r) => r.name.startsWith('berthtest-')).map((r) => r.hostName),
      ['berthtest-host-2', 'berthtest-host-1'],
    );
  });

  test('bulk stop across hosts is applied on each host, audited, and reflected in the list', async () => {
    const targets = (await listContainers(cp.deps.db, { status: 'running', search: 'berthtest-' })).map(
      (r) => ({
        hostId: r.hostId,
        id: r.id,
      }),
    );
    const outcomes = await actOnContainers(cp.deps, admin, { action: 'kill', targets });
    assert.ok(
      outcomes.every((o) => o.ok),
      JSON.stringify(outcomes),
    );
    await until('both exited', async () => {
      const list = await listContainers(cp.deps.db, { search: 'berthtest-', status: 'exited' });
      return list.length === 2;
    });
    const audit = await cp.deps.db.auditLog.findMany({
      where: { action: 'container.kill', result: 'success' },
    });
    assert.deepEqual(audit.map((a) => a.hostId).sort(), [...hostIds].sort());
  });

  test('logs follow a running container through the link and end when it exits', async () => {
    await run(0, 'berthtest-logger', [
      'sh',
      '-c',
      'for i in 1 2 3; do echo line$i; sleep 0.3; done; echo oops >&2',
    ]);
    const stream = await cp.deps.gateway.stream(hostIds[0]!, 'containers.logs', {
      id: 'berthtest-logger',
      follow: true,
    });
    let stdout = '';
    let stderr = '';
    for await (const e of stream) {
      if (e.kind === 'stdout') stdout += e.data.toString();
      if (e.kind === 'stderr') stderr += e.data.toString();
    }
    await stream.result;
    assert.equal(stdout, 'line1\nline2\nline3\n');
    assert.equal(stderr, 'oops\n');
  });

  test('exec with a TTY: input, resize, output and the exit code travel through the link', async () => {
    await run(1, 'berthtest-shell', ['sleep', '1000']);
    const exec = await cp.deps.gateway.stream(hostIds[1]!, 'containers.exec', {
      id: 'berthtest-shell',
      cmd: ['sh'],
      tty: true,
      rows: 24,
      cols: 80,
    });
    let out = '';
    const reader = (async () => {
      for await (const e of exec) if (e.kind === 'stdout') out += e.data.toString();
    })();
    await exec.write(Buffer.from('echo sum-$((40+2))\n'));
    await until('echo answered', async () => out.includes('sum-42'));
    exec.resize(33, 111);
    await exec.write(Buffer.from('stty size\n'));
    await until('new size', async () => out.includes('33 111'));
    await exec.write(Buffer.from('exit 7\n'));
    await reader;
    assert.deepEqual(await exec.result, { exitCode: 7 });
  });

  test('flow control: a slow reader keeps the agent from buffering more than one window', async () => {
    const exec = await cp.deps.gateway.stream(hostIds[1]!, 'containers.exec', {
      id: 'berthtest-shell',
      cmd: ['sh', '-c', 'yes berthtest-flow-control-line'],
      stdin: false,
    });
    const iterator = exec[Symbol.asyncIterator]();
    await iterator.next(); // one chunk read, then nothing for a while
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(
      exec.bufferedBytes <= STREAM_WINDOW_BYTES + 2 * STREAM_CHUNK_BYTES,
      `${exec.bufferedBytes} buffered`,
    );
    const stats = await cp.deps.gateway.call(hostIds[1]!, 'agent.linkStats', {});
    assert.ok(stats.maxQueuedBytes <= STREAM_WINDOW_BYTES + STREAM_CHUNK_BYTES, JSON.stringify(stats));
    // `yes` writes far faster than that: it is the reader that holds it back. Reading on works.
    let more = 0;
    for (let i = 0; i < 40; i++) {
      const r = await iterator.next();
      if (!r.done && r.value.kind === 'stdout') more += r.value.data.length;
    }
    assert.ok(more > 0);
    await iterator.return?.(); // leaving the loop ends the exec on the host
    await rejectsWith(exec.result, 'cancelled', /cancelled/);
    await until('the exec process is gone', async () => {
      const top = await cp.deps.gateway.call(hostIds[1]!, 'containers.top', { id: 'berthtest-shell' });
      return !top.processes.some((p) => p.join(' ').includes('yes'));
    });
  });

  test('a deadline that passes and a cancelled call both end with a clear error, not a hang', async () => {
    // PID 1 ignores SIGTERM, so stop waits for its 10 s timeout: longer than the deadline
    await rejectsWith(
      cp.deps.gateway.call(hostIds[1]!, 'containers.stop', { id: 'berthtest-shell' }, { timeoutMs: 300 }),
      'timeout',
      /containers\.stop on berthtest-host-2 got no answer within 300 ms/,
    );
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const slow = cp.deps.gateway.call(
      hostIds[1]!,
      'containers.restart',
      { id: 'berthtest-shell' },
      { signal: abort.signal },
    );
    await rejectsWith(slow, 'cancelled', /cancelled/);
  });

  test('unknown hosts and bad input are refused with clear errors', async () => {
    await rejectsWith(
      cp.deps.gateway.call('no-such-host', 'containers.list', { all: true }),
      'not-found',
      /unknown host no-such-host/,
    );
    await rejectsWith(
      cp.deps.gateway.call(hostIds[0]!, 'containers.run', { image: 'busybox', name: '../bad' } as never),
      'invalid',
      /only \[a-zA-Z0-9\]/,
    );
  });

  test('kill -9 an agent: offline within 10 s, calls fail clearly; back again, its state reconciles', async () => {
    const [, second] = agents;
    const hostId = hostIds[1]!;
    const gone = Date.now();
    second!.kill9();
    await until(
      'host offline',
      async () => (await cp.deps.db.host.findUnique({ where: { id: hostId } }))?.status === 'offline',
      10_000,
    );
    assert.ok(Date.now() - gone < 10_000);
    await rejectsWith(
      cp.deps.gateway.call(hostId, 'containers.list', { all: true }),
      'unavailable',
      /host berthtest-host-2 is offline, last seen \d{4}-/,
    );
    // meanwhile the worker container is removed on the host (by the engine itself, the agent being down)
    const engine = await openEngine({
      dataRoot: join(second!.dir, 'root'),
      cgroupParent: second!.cgroupParent,
    });
    await engine.containers.remove('berthtest-worker', { force: true });
    assert.equal((await listContainers(cp.deps.db, { hostId, search: 'berthtest-worker' })).length, 1);
    agents[1] = await second!.restart();
    await until('host back and reconciled', async () => {
      const list = await listContainers(cp.deps.db, { hostId });
      return (
        cp.deps.gateway.isConnected(hostId) &&
        list.some((r) => r.name === 'berthtest-shell') &&
        !list.some((r) => r.name === 'berthtest-worker')
      );
    });
  });

  test('a restarted control plane: the agents come back on their own', async () => {
    const port = cp.port;
    await cp.close();
    cp = hosts.cp = await hosts.startControlPlane(port);
    await until(
      'both agents reconnected',
      async () => hostIds.every((id) => cp.deps.gateway.isConnected(id)),
      30_000,
    );
    const list = await cp.deps.gateway.call(hostIds[0]!, 'containers.list', { all: true });
    assert.ok(list.some((c) => c.name === 'berthtest-web'));
  });

  test('an impersonated host credential and garbage are refused and change nothing', async () => {
    const before = await listContainers(cp.deps.db, {});
    const impostor = new WebSocket(`ws://${hosts.net!.bridgeAddress}:${cp.port}${LINK_PATH}`);
    await new Promise((r) => impostor.once('open', r));
    const closed = new Promise<number>((r) => impostor.once('close', (code) => r(code)));
    impostor.send(
      JSON.stringify({
        type: 'hello',
        auth: { kind: 'host', hostId: hostIds[0], credential: 'host_berthtest-not-the-credential' },
        host: { hostname: 'x', os: 'x', kernel: 'x', arch: 'x', cpus: 1, memoryBytes: 1, agentVersion: 'x' },
      }),
    );
    impostor.send(
      JSON.stringify({ type: 'state', state: { containers: [], images: [], volumes: [], stats: {} } }),
    );
    assert.equal(await closed, 4001);
    const garbage = new WebSocket(`ws://${hosts.net!.bridgeAddress}:${cp.port}${LINK_PATH}`);
    await new Promise((r) => garbage.once('open', r));
    const garbageClosed = new Promise<number>((r) => garbage.once('close', (code) => r(code)));
    garbage.send(Buffer.from([0, 0, 0, 1, 1, 65]));
    assert.equal(await garbageClosed, 4002);
    assert.deepEqual(await listContainers(cp.deps.db, {}), before);
    assert.ok(cp.deps.gateway.isConnected(hostIds[0]!));
    await cp.deps.gateway.call(hostIds[0]!, 'containers.list', { all: true });
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { suiteAgent } from './testing/agent-under-test.ts';

/** Bad input at the Docker API: a clear error in Docker's shape, never a crash or a leak. */
describe('Docker API: bad input', () => {
  const { agent } = suiteAgent();
  const call = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    agent().request(method, path, body, headers);

  test('malformed JSON, wrong types and unknown endpoints get Docker’s JSON errors', async () => {
    const json = { 'Content-Type': 'application/json' };
    const malformed = await call('POST', '/v1.47/containers/create', '{"Image": ', json);
    assert.equal(malformed.status, 400);
    assert.match(JSON.parse(malformed.body).message, /malformed JSON/);
    const wrong = await call(
      'POST',
      '/v1.47/containers/create',
      JSON.stringify({ Image: 'busybox', Env: 'A=1' }),
      json,
    );
    assert.equal(wrong.status, 400);
    assert.match(JSON.parse(wrong.body).message, /Env/);
    const unknown = await call('GET', '/v1.47/berthtest/nowhere');
    assert.equal(unknown.status, 404);
    assert.match(JSON.parse(unknown.body).message, /page not found/);
    const missing = await call('GET', '/v1.47/containers/berthtest-none/json');
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).message, 'No such container: berthtest-none');
  });

  test('an oversized body is refused with 413', async () => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 'a');
    const reply = await call('POST', '/v1.47/containers/create', huge, {
      'Content-Type': 'application/json',
    }).catch((err: NodeJS.ErrnoException) => ({
      status: err.code === 'EPIPE' || err.code === 'ECONNRESET' ? 413 : 0,
      body: '',
    }));
    assert.equal(reply.status, 413);
    assert.equal((await call('GET', '/_ping')).body, 'OK', 'still serving');
  });

  test('a client that disconnects mid-exec leaves no process behind', async () => {
    await agent().docker(['run', '-d', '--name', 'berthtest-host', 'busybox', 'sleep', '300']);
    const created = await call(
      'POST',
      '/v1.47/containers/berthtest-host/exec',
      JSON.stringify({ Cmd: ['sleep', '271'], AttachStdout: true, AttachStderr: true }),
      { 'Content-Type': 'application/json' },
    );
    const execId = JSON.parse(created.body).Id as string;
    const body = JSON.stringify({ Detach: false, Tty: false });
    const socket = connect(agent().socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /v1.47/exec/${execId}/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await new Promise((resolve) => socket.once('data', resolve)); // the 101
    const running = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes('sleep 271');
    for (let i = 0; i < 50 && !running(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(running(), 'the exec runs');
    socket.destroy();
    for (let i = 0; i < 50 && running(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!running(), 'the exec ended with its client');
    const inspect = JSON.parse((await call('GET', `/v1.47/exec/${execId}/json`)).body);
    assert.equal(inspect.Running, false);
    assert.equal((await call('GET', '/_ping')).body, 'OK');
    await agent().docker(['rm', '-f', 'berthtest-host']);
  });
});

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { suiteAgent } from './testing/agent-under-test.ts';

/** Bad input at the image, volume, event and system endpoints: Docker's JSON errors, never a crash. */
describe('Docker API: bad input to images, volumes, events, system', () => {
  const { agent } = suiteAgent();
  const call = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    agent().request(method, path, body, { 'Content-Type': 'application/json', ...headers });
  const message = (r: { body: string }) => (JSON.parse(r.body) as { message: string }).message;
  const filters = (f: unknown) => encodeURIComponent(JSON.stringify(f));

  test('volume create: malformed JSON, wrong types, oversized body', async () => {
    const malformed = await call('POST', '/v1.47/volumes/create', '{"Name": ');
    assert.equal(malformed.status, 400);
    assert.match(message(malformed), /malformed JSON/);
    const wrongName = await call('POST', '/v1.47/volumes/create', JSON.stringify({ Name: 5 }));
    assert.equal(wrongName.status, 400);
    assert.match(message(wrongName), /Name/);
    const wrongLabel = await call('POST', '/v1.47/volumes/create', JSON.stringify({ Labels: { a: 1 } }));
    assert.equal(wrongLabel.status, 400);
    assert.match(message(wrongLabel), /Labels\.a/);
    const huge = await call(
      'POST',
      '/v1.47/volumes/create',
      JSON.stringify({ Name: 'berthtest-huge', Labels: { a: 'x'.repeat(5 * 1024 * 1024) } }),
    ).catch((err: NodeJS.ErrnoException) => ({
      status: err.code === 'EPIPE' || err.code === 'ECONNRESET' ? 413 : 0,
      body: '',
    }));
    assert.equal(huge.status, 413);
    assert.equal((await call('GET', '/v1.47/volumes/berthtest-huge')).status, 404, 'nothing was made');
    const created = await call('POST', '/v1.47/volumes/create', JSON.stringify({ Name: 'berthtest-ok' }));
    assert.equal(created.status, 201);
    assert.equal(JSON.parse(created.body).Name, 'berthtest-ok');
  });

  test('filters: bad JSON, unknown keys and bad values are 400s', async () => {
    for (const path of ['/v1.47/images/json', '/v1.47/volumes', '/v1.47/events?until=1&']) {
      const sep = path.includes('?') ? '' : '?';
      const bad = await call('GET', `${path}${sep}filters=%7Bbad`);
      assert.equal(bad.status, 400, path);
      assert.match(message(bad), /invalid filters/);
    }
    const unknown = await call('GET', `/v1.47/images/json?filters=${filters({ berthtest: ['1'] })}`);
    assert.equal(unknown.status, 400);
    assert.equal(message(unknown), "invalid filter 'berthtest'");
    const dangling = await call('GET', `/v1.47/volumes?filters=${filters({ dangling: ['maybe'] })}`);
    assert.equal(dangling.status, 400);
    const prune = await call('POST', `/v1.47/images/prune?filters=${filters({ until: ['soon'] })}`);
    assert.equal(prune.status, 400);
    assert.match(message(prune), /invalid timestamp/);
    const since = await call('GET', '/v1.47/events?since=yesterday');
    assert.equal(since.status, 400);
    const df = await call('GET', '/v1.47/system/df?type=berthtest');
    assert.equal(df.status, 400);
  });

  test('unknown images and volumes are 404s with Docker’s messages', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/v1.47/images/berthtest-nope/json', 'No such image: berthtest-nope:latest'],
      ['GET', '/v1.47/images/berthtest-nope:2/history', 'No such image: berthtest-nope:2'],
      ['DELETE', '/v1.47/images/berthtest-nope', 'No such image: berthtest-nope:latest'],
      ['POST', '/v1.47/images/berthtest-nope/tag?repo=x', 'No such image: berthtest-nope:latest'],
      ['GET', '/v1.47/images/get?names=berthtest-nope', 'No such image: berthtest-nope:latest'],
      ['GET', '/v1.47/volumes/berthtest-nope', 'get berthtest-nope: no such volume'],
      ['DELETE', '/v1.47/volumes/berthtest-nope', 'get berthtest-nope: no such volume'],
    ];
    for (const [method, path, text] of cases) {
      const reply = await call(method, path);
      assert.equal(reply.status, 404, `${method} ${path}`);
      assert.equal(message(reply), text);
    }
    assert.equal((await call('DELETE', '/v1.47/volumes/berthtest-nope?force=1')).status, 204);
    const unknown = await call('GET', '/v1.47/images/busybox/berthtest');
    assert.equal(unknown.status, 404);
    assert.match(message(unknown), /page not found/);
  });

  test('conflicts and refusals: 409, 400, 404, 501', async () => {
    await agent().docker(['run', '-d', '--name', 'berthtest-holder', 'busybox', 'sleep', '60']);
    const inUse = await call('DELETE', '/v1.47/images/busybox');
    assert.equal(inUse.status, 409);
    assert.match(message(inUse), /being used by running container/);
    await agent().docker(['rm', '-f', 'berthtest-holder']);
    const noRepo = await call('POST', '/v1.47/images/busybox/tag');
    assert.equal(noRepo.status, 400);
    const badRepo = await call('POST', '/v1.47/images/busybox/tag?repo=Bad%2FName');
    assert.equal(badRepo.status, 400);
    const garbage = await call('POST', '/v1.47/images/load', Buffer.alloc(4096, 7));
    assert.equal(garbage.status, 400);
    const allTagsBadRef = await call('POST', '/v1.47/images/create?fromImage=Bad%2FName&tag=');
    assert.equal(allTagsBadRef.status, 400, 'an all-tags pull checks its reference before any request');
    const noImage = await call('POST', '/v1.47/images/create?fromImage=&tag=latest');
    assert.equal(noImage.status, 400);
    const badRef = await call('POST', '/v1.47/images/create?fromImage=Bad%2FName&tag=latest');
    assert.equal(badRef.status, 400);
    const badAuth = await call('POST', '/v1.47/images/create?fromImage=busybox&tag=1', undefined, {
      'X-Registry-Auth': 'not base64 json!',
    });
    assert.equal(badAuth.status, 400);
    assert.match(message(badAuth), /invalid X-Registry-Auth header/);
    const badPlatform = await call(
      'POST',
      '/v1.47/images/create?fromImage=127.0.0.1%3A1%2Fx&tag=1&platform=linux%2F%2F',
    );
    assert.equal(badPlatform.status, 400);
    const badLogin = await call('POST', '/v1.47/auth', '{"username": 5}');
    assert.equal(badLogin.status, 400);
    const pushAll = await call('POST', '/v1.47/images/berthtest-nope/push?tag=');
    assert.equal(pushAll.status, 404);
    const pushMissing = await call('POST', '/v1.47/images/berthtest-nope/push?tag=1');
    assert.equal(pushMissing.status, 404);
    assert.match(message(pushMissing), /An image does not exist locally with the tag: berthtest-nope:1/);
    const url = await call('POST', '/v1.47/images/create?fromSrc=http%3A%2F%2Fexample.com%2Fx.tar');
    assert.equal(url.status, 501);
    assert.equal((await call('GET', '/_ping')).body, 'OK', 'still serving');
  });

  test('image save streamed to a client that leaves early leaves the agent serving', async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ socketPath: agent().socket, path: '/v1.47/images/busybox/get' }, (res) => {
          assert.equal(res.statusCode, 200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err: NodeJS.ErrnoException) =>
          err.code === 'ECONNRESET' ? resolve() : reject(err),
        );
        req.end();
      });
    }
    const full = await call('GET', '/v1.47/images/get?names=busybox');
    assert.equal(full.status, 200);
    assert.equal((await call('GET', '/_ping')).body, 'OK');
  });
});

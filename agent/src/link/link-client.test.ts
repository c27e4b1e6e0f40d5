import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AgentMessage, type ControlMessage, LINK_PATH, parseFrame } from '@berth/protocol';
import { WebSocketServer } from 'ws';
import { backoffDelay } from './backoff.ts';
import { readHostInfo } from './host-info.ts';
import { LinkClient, linkUrl } from './link-client.ts';

test('linkUrl maps every control-plane URL form to the link websocket', () => {
  assert.equal(linkUrl('http://cp:3000'), `ws://cp:3000${LINK_PATH}`);
  assert.equal(linkUrl('https://cp.example/'), `wss://cp.example${LINK_PATH}`);
  assert.equal(linkUrl('wss://cp.example'), `wss://cp.example${LINK_PATH}`);
});

test('backoff grows, is capped and jittered', () => {
  assert.equal(
    backoffDelay(0, 500, 30_000, () => 1),
    500,
  );
  assert.equal(
    backoffDelay(3, 500, 30_000, () => 1),
    4000,
  );
  assert.equal(
    backoffDelay(30, 500, 30_000, () => 1),
    30_000,
  );
  assert.equal(
    backoffDelay(30, 500, 30_000, () => 0),
    15_000,
  );
});

test('joins with the token once, keeps the credential, then reconnects with it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berthtest-link-'));
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', path: LINK_PATH });
  after(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hellos: AgentMessage[] = [];
  server.on('connection', (ws) => {
    ws.on('message', (data) => {
      const msg = parseFrame(AgentMessage, data.toString());
      assert.ok(!(msg instanceof Error), String(msg));
      if (msg.type !== 'hello') return;
      hellos.push(msg);
      const reply: ControlMessage =
        msg.auth.kind === 'join'
          ? { type: 'welcome', hostId: 'host-1', credential: 'c'.repeat(32) }
          : { type: 'welcome', hostId: 'host-1' };
      ws.send(JSON.stringify(reply));
      // the first connection is dropped by the "control plane": the agent must come back on its own
      if (hellos.length === 1) setTimeout(() => ws.terminate(), 50);
    });
  });

  const credentialFile = join(dir, 'credential.json');
  const client = new LinkClient({
    controlPlane: url,
    joinToken: 'j'.repeat(32),
    credentialFile,
    hostInfo: () => readHostInfo(),
    log: () => {},
  });
  await client.start();
  await once(client, 'connected');
  await once(client, 'connected');
  client.stop();

  assert.equal(hellos.length, 2);
  assert.deepEqual(hellos[0]?.type === 'hello' && hellos[0].auth, {
    kind: 'join',
    joinToken: 'j'.repeat(32),
  });
  assert.deepEqual(hellos[1]?.type === 'hello' && hellos[1].auth, {
    kind: 'host',
    hostId: 'host-1',
    credential: 'c'.repeat(32),
  });
  const saved = JSON.parse(await readFile(credentialFile, 'utf8'));
  assert.equal(saved.controlPlane, url);
  assert.equal((await stat(credentialFile)).mode & 0o777, 0o600);

  // the agent obeys only the control plane it joined
  const other = new LinkClient({
    controlPlane: 'http://127.0.0.1:1',
    credentialFile,
    hostInfo: () => readHostInfo(),
    log: () => {},
  });
  await assert.rejects(other.start(), /already joined/);
});

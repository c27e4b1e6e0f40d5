import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestDatabase, type TestDatabase } from '@berth/db/testing';
import { type ControlMessage, type HostInfo, LINK_PATH, LinkClose } from '@berth/protocol';
import WebSocket from 'ws';
import { loadConfig } from '../config.ts';
import { type ControlPlane, startControlPlane } from '../control-plane.ts';
import { createJoinToken } from '../hosts/create-join-token.ts';

const info: HostInfo = {
  hostname: 'berthtest-node-1',
  os: 'Debian GNU/Linux 12 (bookworm)',
  kernel: '6.1.0-berthtest',
  arch: 'x64',
  cpus: 4,
  memoryBytes: 8 * 1024 ** 3,
  agentVersion: '0.1.0-berthtest',
};

/** A bare link client: raw frames in, raw frames out, so the tests can also misbehave. */
class TestAgent {
  readonly ws: WebSocket;
  private readonly frames: ControlMessage[] = [];
  private waiting: ((m: ControlMessage) => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(url: string) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + LINK_PATH);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ControlMessage;
      if (this.waiting) {
        this.waiting(message);
        this.waiting = undefined;
      } else this.frames.push(message);
    });
  }

  async send(frame: unknown): Promise<void> {
    await this.opened;
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  next(timeoutMs = 5000): Promise<ControlMessage> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame in time')), timeoutMs);
      this.waiting = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  close(): void {
    this.ws.close(1000);
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('agent link endpoint (real websocket, real PostgreSQL)', () => {
  let db: TestDatabase;
  let cp: ControlPlane;
  const agents: TestAgent[] = [];
  const agent = () => {
    const a = new TestAgent(cp.url);
    agents.push(a);
    return a;
  };
  const token = async (ttlMs = 60_000) =>
    (await createJoinToken(cp.deps.db, { createdBy: null, ttlMs })).token;
  const snapshot = async () =>
    JSON.stringify(
      await cp.deps.db.host.findMany({ orderBy: { id: 'asc' }, omit: { credentialHash: false } }),
      (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
    );

  before(async () => {
    db = await startTestDatabase();
    cp = await startControlPlane({
      config: loadConfig({ PORT: '0', HOST: '127.0.0.1', BERTH_DATA: db.dir }),
      databaseUrl: db.url,
      log: () => {},
      pages: false,
      link: { heartbeatTimeoutMs: 600, helloTimeoutMs: 600, presenceFlushMs: 100 },
    });
  });
  after(async () => {
    for (const a of agents) a.ws.terminate();
    await cp?.close();
    await db?.stop();
  });

  let hostId = '';
  let credential = '';

  test('hello with a join token creates the host, returns a credential once, uses the token', async () => {
    const joinToken = await token();
    const a = agent();
    await a.send({ type: 'hello', auth: { kind: 'join', joinToken }, host: info });
    const welcome = await a.next();
    assert.equal(welcome.type, 'welcome');
    assert.ok(welcome.type === 'welcome' && welcome.credential);
    hostId = welcome.hostId;
    credential = welcome.credential!;

    const host = await cp.deps.db.host.findUniqueOrThrow({
      where: { id: hostId },
      omit: { credentialHash: false },
    });
    assert.equal(host.status, 'online');
    assert.equal(host.kernel, info.kernel);
    assert.equal(host.cpus, 4);
    assert.equal(host.memoryBytes, BigInt(info.memoryBytes));
    assert.equal(host.credentialHash, createHash('sha256').update(credential).digest('hex'));
    assert.notEqual(host.credentialHash, credential);
    const used = await cp.deps.db.joinToken.findFirstOrThrow({ where: { hostId } });
    assert.ok(used.usedAt);
    const audit = await cp.deps.db.auditLog.findFirstOrThrow({ where: { action: 'host.join', hostId } });
    assert.equal(audit.result, 'success');
    assert.equal(audit.actorKind, 'host');

    const beat = Date.now();
    await a.send({ type: 'heartbeat', sentAt: beat });
    const answer = await a.next();
    assert.equal(answer.type, 'heartbeat');
    await until(async () => {
      const h = await cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
      return (h.lastSeenAt?.getTime() ?? 0) >= beat - 5;
    });
    assert.deepEqual(cp.link.connectedHostIds(), [hostId]);

    a.close();
    await a.closed;
    await until(
      async () => (await cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).status === 'offline',
    );
  });

  test('a used, expired or unknown join token is refused and changes nothing', async () => {
    const used = (await cp.deps.db.joinToken.count({ where: { usedAt: { not: null } } })) > 0;
    assert.ok(used);
    const expired = await token(-1000);
    for (const joinToken of [expired, 'bjt_berthtest-not-a-real-token']) {
      const before = await snapshot();
      const a = agent();
      await a.send({ type: 'hello', auth: { kind: 'join', joinToken }, host: info });
      const refused = await a.next();
      assert.equal(refused.type, 'refused');
      assert.equal((await a.closed).code, LinkClose.unauthorized);
      assert.equal(await snapshot(), before);
    }
  });

  test('hello with the host credential reconnects and refreshes what the agent reports', async () => {
    const a = agent();
    await a.send({
      type: 'hello',
      auth: { kind: 'host', hostId, credential },
      host: { ...info, kernel: '6.2.0-berthtest' },
    });
    const welcome = await a.next();
    assert.deepEqual(welcome, { type: 'welcome', hostId });
    const host = await cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
    assert.equal(host.status, 'online');
    assert.equal(host.kernel, '6.2.0-berthtest');

    // A second connection for the same host replaces the first; the host stays online.
    const b = agent();
    await b.send({ type: 'hello', auth: { kind: 'host', hostId, credential }, host: info });
    assert.equal((await b.next()).type, 'welcome');
    assert.equal((await a.closed).code, LinkClose.replaced);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).status, 'online');

    // Silence past the heartbeat timeout closes the link and marks the host offline.
    const closed = await b.closed;
    assert.equal(closed.code, LinkClose.heartbeatTimeout);
    await until(
      async () => (await cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).status === 'offline',
    );
  });

  test('a wrong credential or unknown host id is refused and changes nothing', async () => {
    for (const auth of [
      { kind: 'host', hostId, credential: 'bhc_berthtest-wrong-credential' },
      { kind: 'host', hostId: 'berthtest-unknown-host', credential },
    ]) {
      const before = await snapshot();
      const a = agent();
      await a.send({ type: 'hello', auth, host: info });
      assert.equal((await a.next()).type, 'refused');
      assert.equal((await a.closed).code, LinkClose.unauthorized);
      assert.equal(await snapshot(), before);
    }
  });

  test('garbage frames are refused with badMessage and change nothing', async () => {
    const before = await snapshot();
    const joinToken = await token();
    const frames: unknown[] = [
      'not json at all',
      Buffer.from([0xde, 0xad, 0xbe, 0xef]),
      { type: 'heartbeat', sentAt: Date.now() }, // before any hello
      { type: 'hello', auth: { kind: 'join', joinToken }, host: { ...info, cpus: -1 } },
      { type: 'hello', auth: { kind: 'join', joinToken: 'short' }, host: info },
      { type: 'launch-missiles' },
    ];
    for (const frame of frames) {
      const a = agent();
      await a.send(frame);
      assert.equal((await a.closed).code, LinkClose.badMessage, `frame ${String(frame)}`);
    }
    assert.equal(await snapshot(), before);
    assert.equal(
      (await cp.deps.db.joinToken.count({ where: { usedAt: null, expiresAt: { gt: new Date() } } })) >= 1,
      true,
    );

    // A hello after the welcome is off-protocol too.
    const a = agent();
    await a.send({ type: 'hello', auth: { kind: 'host', hostId, credential }, host: info });
    assert.equal((await a.next()).type, 'welcome');
    await a.send({ type: 'hello', auth: { kind: 'host', hostId, credential }, host: info });
    assert.equal((await a.next()).type, 'refused');
    assert.equal((await a.closed).code, LinkClose.badMessage);
  });

  test('a connection that never says hello is closed', async () => {
    const a = agent();
    await a.opened;
    assert.equal((await a.closed).code, LinkClose.unauthorized);
  });
});

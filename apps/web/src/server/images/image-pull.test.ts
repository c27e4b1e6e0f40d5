/**
 * Pulling an image from the browser's side: a real control plane, two real agents joined to it
 * and Debian's docker-registry on the test bridge. Host 1 pushes a busybox image with two extra
 * layers; host 2 pulls it through the gateway, layer by layer, and once more through a proxy that
 * stalls mid-blob, to leave that pull half-way.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { busyboxArchive } from '../../../../../agent/src/engine/images/testing/busybox-image.ts';
import {
  type CuttingProxy,
  startCuttingProxy,
} from '../../../../../agent/src/engine/registry/testing/cutting-proxy.ts';
import {
  registryAvailable,
  startRegistry,
  type TestRegistry,
} from '../../../../../agent/src/engine/registry/testing/registry-server.ts';
import { createSession } from '../auth/sessions.ts';
import { ServiceError } from '../errors.ts';
import { TestHosts, until } from '../link/testing/test-hosts.ts';
import { readSubscriptionUntilError } from '../testing/sse-error.ts';
import { type PullEvent, pullImage } from './image-pull.ts';
import { listImages, loadImage } from './image-volume-actions.ts';

describe('image pull through the control plane', { timeout: 240_000, skip: !registryAvailable() }, () => {
  const hosts = new TestHosts();
  const dir = mkdtempSync(join(tmpdir(), 'berthtest-pull-'));
  let registry: TestRegistry;
  let proxy: CuttingProxy;
  let image: string;

  before(async () => {
    await hosts.start(2, async (net) => {
      registry = await startRegistry(join(dir, 'registry'), { kind: 'none' }, net.bridgeAddress);
      // holds big blobs half-sent: a pull through it stays in flight until its puller leaves
      proxy = await startCuttingProxy(registry.host, net.bridgeAddress);
      Object.assign(proxy, { cutBlobs: Number.POSITIVE_INFINITY, minSize: 1024 * 1024, hold: true });
      return ['--insecure-registry', registry.host, '--insecure-registry', proxy.host];
    });
    image = `${registry.host}/berthtest/busybox:1`;
    const extraLayers = [0, 1].map((i) => [
      { path: 'etc', type: 'dir' as const },
      { path: `etc/berthtest-${i}`, content: `layer ${i}\n` },
    ]);
    const built = busyboxArchive({ tag: image, extraLayers });
    const pusher = hosts.hostIds[0]!;
    await loadImage(hosts.cp.deps, hosts.admin, { hostId: pusher, archive: Readable.from([built.archive]) });
    const pushed = await hosts.agents[0]!.docker(['push', image]);
    assert.equal(pushed.code, 0, pushed.stderr);
  });
  after(async () => {
    await proxy?.close();
    await hosts.stop();
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('layers report progress one by one, the image lands in the host list, the pull is audited', async () => {
    const hostId = hosts.hostIds[1]!;
    const events: PullEvent[] = [];
    for await (const e of pullImage(hosts.cp.deps, hosts.admin, { hostId, reference: image })) events.push(e);
    const done = events.at(-1);
    assert.equal(done?.kind, 'done');
    assert.equal(done.reference, image);
    assert.equal(done.upToDate, false);
    const final = new Map(events.flatMap((e) => (e.kind === 'progress' ? [[e.layer, e.status]] : [])));
    // busybox's own layer was there already; the two extra ones came over the wire
    assert.deepEqual([...final.values()].sort(), ['Already exists', 'Pull complete', 'Pull complete']);
    assert.ok(
      events.some((e) => e.kind === 'progress' && e.status === 'Downloading' && e.total !== undefined),
    );
    await until('pulled image in the stored list', async () =>
      (await listImages(hosts.cp.deps.db, { hostId })).some((i) => i.repoTags.includes(image)),
    );
    const audit = await hosts.cp.deps.db.auditLog.findMany({ where: { action: 'image.pull', hostId } });
    assert.deepEqual(
      audit.map((a) => [a.target, a.result, a.actor]),
      [[image, 'success', hosts.admin.username]],
    );
  });

  test('a missing tag is a clear error, audited as a failure', async () => {
    const hostId = hosts.hostIds[1]!;
    const missing = `${registry.host}/berthtest/busybox:berthtest-missing`;
    await assert.rejects(
      async () => {
        for await (const _ of pullImage(hosts.cp.deps, hosts.admin, { hostId, reference: missing })) {
          // progress of a pull that cannot start
        }
      },
      (err: unknown) =>
        err instanceof ServiceError &&
        /not found|unknown/i.test(err.message) &&
        err.message.includes('berthtest-missing'),
    );
    const audit = await hosts.cp.deps.db.auditLog.findFirst({
      where: { action: 'image.pull', target: missing },
    });
    assert.equal(audit?.result, 'failure');
    assert.match(JSON.stringify(audit?.detail), /berthtest-missing/);
  });

  test('over HTTP: a viewer may not pull, a bad reference is refused before any host is asked', async () => {
    const viewer = await hosts.cp.deps.db.user.create({
      data: { username: 'berthtest-pull-viewer', passwordHash: 'x', role: 'viewer' },
    });
    await hosts.cp.deps.db.hostGroup.create({
      data: {
        name: 'berthtest-pull-viewers',
        hosts: { create: hosts.hostIds.map((hostId) => ({ hostId })) },
        grants: { create: [{ userId: viewer.id, role: 'viewer' }] },
      },
    });
    const { token } = await createSession(hosts.cp.deps.db, { userId: viewer.id, lifetimeMs: 60_000 });
    const headers = {
      cookie: `berth_session=${token}`,
      origin: hosts.cp.url,
      'content-type': 'application/json',
    };
    const post = (reference: string) =>
      fetch(`${hosts.cp.url}/api/trpc/images.pullToEnd`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ hostId: hosts.hostIds[1], reference }),
      });
    assert.equal((await post(image)).status, 403);
    // the browser's way: the subscription over server-sent events ends with FORBIDDEN (a code the
    // client does not reconnect on), and the refusal is audited
    const input = encodeURIComponent(JSON.stringify({ hostId: hosts.hostIds[1], reference: image }));
    const text = await readSubscriptionUntilError(
      `${hosts.cp.url}/api/trpc/images.pull?input=${input}`,
      headers,
    );
    assert.match(text, /FORBIDDEN/);
    const refused = await hosts.cp.deps.db.auditLog.findFirst({
      where: { action: 'images.pull', actor: 'berthtest-pull-viewer' },
    });
    assert.equal(refused?.result, 'failure');
    const bad = await post('Not A Reference');
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /not an image reference/);
  });

  test('leaving mid-download cancels the pull on the host: no image, audited, a later pull works', async () => {
    const [pusher, puller] = hosts.hostIds as [string, string];
    const big = `${registry.host}/berthtest/big:1`;
    const noise = randomBytes(3 * 1024 * 1024).toString('base64');
    const { archive } = busyboxArchive({
      tag: big,
      extraLayers: [[{ path: 'berthtest-noise', content: noise }]],
    });
    await loadImage(hosts.cp.deps, hosts.admin, { hostId: pusher, archive: Readable.from([archive]) });
    const pushed = await hosts.agents[0]!.docker(['push', big]);
    assert.equal(pushed.code, 0, pushed.stderr);

    const stalled = `${proxy.host}/berthtest/big:1`;
    const leave = new AbortController();
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const e of pullImage(
        hosts.cp.deps,
        hosts.admin,
        { hostId: puller, reference: stalled },
        leave.signal,
      )) {
        if (e.kind !== 'progress') continue;
        seen.push(e.status);
        if (e.status === 'Downloading' && (e.current ?? 0) > 0) leave.abort();
      }
    });
    assert.ok(seen.includes('Downloading'));
    // the agent's handler returns only once the registry gave the pull up
    await until(
      'the agent ended the pull',
      async () => (await hosts.cp.deps.gateway.call(puller, 'agent.linkStats', {})).openStreams === 0,
    );
    await assert.rejects(hosts.cp.deps.gateway.call(puller, 'images.inspect', { ref: stalled }));
    const audit = await hosts.cp.deps.db.auditLog.findFirst({
      where: { action: 'image.pull', target: stalled },
    });
    assert.equal(audit?.result, 'failure');

    const again: PullEvent[] = [];
    for await (const e of pullImage(hosts.cp.deps, hosts.admin, { hostId: puller, reference: big }))
      again.push(e);
    assert.equal(again.at(-1)?.kind, 'done');
    await hosts.cp.deps.gateway.call(puller, 'images.inspect', { ref: big });
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isEngineError } from '../errors.ts';
import { hostPlatform } from '../images/platform.ts';
import { busyboxArchive } from '../images/testing/busybox-image.ts';
import { goArch, layerTar, sha256 } from '../images/testing/image-archive-builder.ts';
import type { ProgressEvent } from './progress.ts';
import { createProgressFormatter } from './progress-lines.ts';
import type { TransferProgress } from './registry-service.ts';
import { type CuttingProxy, startCuttingProxy } from './testing/cutting-proxy.ts';
import { rawPushImage, rawPushTwoArchIndex } from './testing/raw-push.ts';
import { registryAvailable, startRegistry, type TestRegistry } from './testing/registry-server.ts';
import { registryTestKit, type TestEngine } from './testing/registry-test-kit.ts';

const kit = registryTestKit();
let registry: TestRegistry | undefined;
let proxy: CuttingProxy | undefined;
after(async () => {
  await proxy?.close();
  await registry?.stop();
  kit.cleanup();
});

function recorder() {
  const events: ProgressEvent[] = [];
  return { events, onProgress: (e: ProgressEvent) => events.push(e) };
}
const statuses = (events: ProgressEvent[]) => events.flatMap((e) => (e.kind === 'layer' ? [e.status] : []));

async function loadBusybox(engine: TestEngine, tag: string, extra = 2) {
  const layers = Array.from({ length: extra }, (_, i) => [
    { path: 'etc', type: 'dir' as const },
    { path: `etc/berthtest-${i}`, content: `layer ${i} of ${tag}\n` },
  ]);
  const { archive, image } = busyboxArchive({ tag, extraLayers: layers });
  await engine.stack.images.load(Readable.from([archive]));
  return image;
}

describe('registry pull and push against docker-registry', {
  skip: !registryAvailable() && 'apt-get install -y docker-registry',
}, () => {
  let host = '';
  before(async () => {
    registry = await startRegistry(join(kit.root, 'registry'));
    host = registry.host;
  });

  it('pushes a loaded image, then pulls it into a cold store with the same digests', async () => {
    const a = kit.engine();
    const image = await loadBusybox(a, `${host}/berthtest/busybox:1`);
    const pushed = recorder();
    const imageEvents: string[] = [];
    a.stack.images.events.subscribe((e) => imageEvents.push(`${e.action} ${e.ref}`));
    const result = await a.registry.push(`${host}/berthtest/busybox:1`, { onProgress: pushed.onProgress });
    assert.equal(result.digest, image.manifestDigest, 'the stored manifest went out unchanged');
    assert.deepEqual(imageEvents, [`push ${host}/berthtest/busybox:1`]);
    assert.deepEqual((await a.stack.images.inspect(image.id)).RepoDigests, [
      `${host}/berthtest/busybox@${image.manifestDigest}`,
    ]);
    assert.deepEqual([...new Set(statuses(pushed.events))].sort(), ['Preparing', 'Pushed', 'Pushing'].sort());
    const last = pushed.events.at(-1);
    assert.equal(last?.kind, 'pushed');

    const b = kit.engine();
    const pulled = recorder();
    const published: TransferProgress[] = [];
    const stop = b.registry.progress.subscribe((p) => published.push(p));
    const r = await b.registry.pull(`${host}/berthtest/busybox:1`, { onProgress: pulled.onProgress });
    stop();
    assert.deepEqual(
      published,
      pulled.events.map((event) => ({ action: 'pull', reference: `${host}/berthtest/busybox:1`, event })),
      'every step also went to the engine-wide progress stream',
    );
    assert.equal(r.id, image.id);
    assert.equal(r.digest, image.manifestDigest);
    assert.equal(r.upToDate, false);
    const inspect = await b.stack.images.inspect(`${host}/berthtest/busybox:1`);
    assert.deepEqual(inspect.RepoDigests, [`${host}/berthtest/busybox@${image.manifestDigest}`]);
    assert.deepEqual(inspect.RootFS.Layers, image.diffIds);
    const top = (await b.stack.images.resolve(`${host}/berthtest/busybox:1`)).chainId;
    assert.ok(top);
    const diff = (await b.stack.snapshotter.layer(top))?.diffDir ?? '';
    assert.equal(
      readFileSync(join(diff, 'etc/berthtest-1'), 'utf8'),
      `layer 1 of ${host}/berthtest/busybox:1\n`,
    );
    for (const d of [image.manifestDigest, image.id, ...image.layerDigests])
      assert.ok(await b.stack.content.has(d as `sha256:${string}`), `blob ${d} stored`);
    const s = statuses(pulled.events);
    for (const want of [
      'Pulling fs layer',
      'Downloading',
      'Verifying Checksum',
      'Download complete',
      'Extracting',
      'Pull complete',
    ])
      assert.ok(s.includes(want as never), `saw ${want}`);
    assert.deepEqual(b.leftovers(), []);

    // Docker's JSON progress lines, as docker-api will stream them
    const fmt = createProgressFormatter();
    const lines = pulled.events.flatMap((e) => fmt.format(e)).map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], { status: 'Pulling from berthtest/busybox', id: '1' });
    assert.equal(lines.at(-2).status, `Digest: ${image.manifestDigest}`);
    assert.equal(lines.at(-1).status, `Status: Downloaded newer image for ${host}/berthtest/busybox:1`);
    const dl = lines.find((l) => l.status === 'Downloading');
    assert.match(dl.id, /^[0-9a-f]{12}$/);
    assert.match(dl.progress, /^\[=*>\s*\] +[\d.]+[kMG]?B\/[\d.]+[kMG]?B$/);

    // again: nothing to download, and Docker's "up to date"
    const again = recorder();
    const r2 = await b.registry.pull(`${host}/berthtest/busybox:1`, { onProgress: again.onProgress });
    assert.equal(r2.upToDate, true);
    assert.deepEqual([...new Set(statuses(again.events))], ['Already exists']);
    const done = again.events.at(-1);
    assert.ok(done?.kind === 'done' && done.upToDate);
  });

  it('pulls gzip layers, unpacking them while they stream', async () => {
    const plain = [
      layerTar([{ path: 'a.txt', content: 'first\n' }]),
      layerTar([
        { path: 'b', type: 'dir' },
        { path: 'b/big.bin', content: Buffer.alloc(3_000_000, 7) },
      ]),
    ];
    const img = await rawPushImage(host, 'berthtest/gz', {
      layers: plain.map((l) => gzipSync(l)),
      diffIds: plain.map((l) => sha256(l)),
      architecture: goArch(),
      tag: 'v1',
    });
    const e = kit.engine();
    const r = await e.registry.pull(`${host}/berthtest/gz:v1`);
    assert.equal(r.id, img.configDigest);
    const top = (await e.stack.images.resolve(r.id)).chainId;
    const diff = (await e.stack.snapshotter.layer(top ?? 'sha256:x'))?.diffDir ?? '';
    assert.equal(readFileSync(join(diff, 'b/big.bin')).byteLength, 3_000_000);
  });

  it('picks the platform from a multi-arch index, and names the available ones when asked for another', async () => {
    const layer = layerTar([{ path: 'arch', content: 'x\n' }]);
    const host0 = hostPlatform();
    const { native, foreign, other, otherPlatform, indexDigest } = await rawPushTwoArchIndex(
      host,
      'berthtest/multi',
      layer,
      sha256(layer),
    );

    const e = kit.engine();
    const mine = await e.registry.pull(`${host}/berthtest/multi`);
    assert.equal(mine.id, native.configDigest);
    assert.equal(mine.digest, indexDigest, 'the RepoDigest is the index digest, as in Docker');
    const theirs = await e.registry.pull(`${host}/berthtest/multi:latest`, {
      platform: otherPlatform,
    });
    assert.equal(theirs.id, foreign.configDigest);
    assert.equal((await e.stack.images.inspect(theirs.id)).Architecture, other.architecture);
    await assert.rejects(
      e.registry.pull(`${host}/berthtest/multi`, { platform: 'linux/s390x' }),
      (err) =>
        isEngineError(err, 'not_found') &&
        /linux\/s390x/.test(err.message) &&
        err.message.includes(`linux/${host0.architecture}`) &&
        err.message.includes(`linux/${other.architecture}`),
    );
  });

  it('mounts blobs across repositories and uploads in chunks', async () => {
    const a = kit.engine();
    await loadBusybox(a, `${host}/berthtest/src:1`, 1);
    await a.registry.push(`${host}/berthtest/src:1`);
    // a pulled image remembers its repository: pushing it elsewhere mounts instead of uploading
    const b = kit.engine();
    await b.registry.pull(`${host}/berthtest/src:1`);
    await b.stack.images.tag(`${host}/berthtest/src:1`, `${host}/berthtest/dst:1`);
    const mounted = recorder();
    await b.registry.push(`${host}/berthtest/dst:1`, { onProgress: mounted.onProgress });
    assert.ok(
      statuses(mounted.events).every((s) => s === 'Preparing' || s === 'Mounted from berthtest/src'),
      String(statuses(mounted.events)),
    );

    const c = kit.engine();
    const image = await loadBusybox(c, `${host}/berthtest/chunked:1`, 1);
    const chunked = recorder();
    const res = await c.registry.push(`${host}/berthtest/chunked:1`, {
      chunkSize: 256 * 1024,
      onProgress: chunked.onProgress,
    });
    assert.ok(chunked.events.filter((e) => e.kind === 'layer' && e.status === 'Pushing').length > 4);
    const d = kit.engine();
    assert.equal((await d.registry.pull(`${host}/berthtest/chunked:1`)).id, image.id);
    assert.equal(res.digest, image.manifestDigest);
  });

  it('leaves nothing half-done when a blob download is cut, and the next pull succeeds', async () => {
    proxy = await startCuttingProxy(host);
    const a = kit.engine();
    await loadBusybox(a, `${host}/berthtest/cut:1`);
    await a.registry.push(`${host}/berthtest/cut:1`);

    const once = kit.engine({ attempts: 1 });
    proxy.cutBlobs = 1000;
    await assert.rejects(once.registry.pull(`${proxy.host}/berthtest/cut:1`), (err) => {
      assert.ok(isEngineError(err, 'unavailable'), String(err));
      assert.match(err.message, /connection lost after \d+ of \d+ bytes/);
      return true;
    });
    assert.ok(proxy.cuts > 0, 'cut');
    assert.deepEqual(once.leftovers(), [], 'no ingest file or temp unpack dir');
    assert.deepEqual(await once.stack.images.list(), []);
    assert.deepEqual(await once.stack.snapshotter.listLayers(), []);
    proxy.cutBlobs = 0;
    const ok = await once.registry.pull(`${proxy.host}/berthtest/cut:1`);
    assert.equal((await once.stack.images.list()).length, 1);
    assert.ok(ok.id);

    // with retries, a cut layer download starts again
    const retried = kit.engine({ attempts: 3 });
    proxy.cuts = 0;
    proxy.minSize = 4096;
    proxy.cutBlobs = 2;
    const events = recorder();
    await retried.registry.pull(`${proxy.host}/berthtest/cut:1`, { onProgress: events.onProgress });
    assert.equal(proxy.cuts, 2);
    assert.ok(statuses(events.events).includes('Retrying'), `retrying: ${statuses(events.events)}`);
    assert.deepEqual(retried.leftovers(), []);
  });

  it('a pull whose caller goes away mid-download stops and keeps no half-made layer', async () => {
    const big = layerTar([{ path: 'big.bin', content: randomBytes(24 * 1024 * 1024) }]);
    await rawPushImage(host, 'berthtest/abort', {
      layers: [big],
      diffIds: [sha256(big)],
      architecture: goArch(),
      tag: 'latest',
    });
    const e = kit.engine();
    const caller = new AbortController();
    const seen: string[] = [];
    await assert.rejects(
      e.registry.pull(`${host}/berthtest/abort`, {
        signal: caller.signal,
        onProgress: (event) => {
          if (event.kind !== 'layer') return;
          seen.push(event.status);
          if (event.status === 'Downloading') caller.abort(new Error('client went away'));
        },
      }),
      (err) => isEngineError(err, 'internal') && /pull cancelled/.test(err.message),
    );
    assert.ok(!seen.includes('Pull complete'), seen.join());
    assert.deepEqual(await e.stack.images.list(), []);
    assert.deepEqual(await e.stack.snapshotter.listLayers(), []);
    assert.deepEqual(e.leftovers(), [], 'no ingest file or temp unpack dir');
    const again = await e.registry.pull(`${host}/berthtest/abort`);
    assert.equal((await e.stack.images.inspect(again.id)).RootFS.Layers[0], sha256(big));
  });

  it('reports a missing tag as Docker does', async () => {
    const e = kit.engine();
    await assert.rejects(e.registry.pull(`${host}/berthtest/busybox:nope`), (err) => {
      assert.ok(isEngineError(err, 'not_found'), String(err));
      assert.match(err.message, /manifest for .*berthtest\/busybox:nope not found: .*manifest unknown/);
      return true;
    });
    assert.ok(!existsSync(join(e.root, 'content/blobs')) || (await e.stack.content.list()).length === 0);
  });
});

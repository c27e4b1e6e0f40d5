import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isEngineError } from '../errors.ts';
import { helperPath, overlayTestKit } from '../snapshots/testing/overlay-test-kit.ts';
import { createImageStack } from './create-image-stack.ts';
import type { ImageEvent } from './image-events.ts';
import { busyboxArchive, busyboxRootfs } from './testing/busybox-image.ts';
import {
  buildImage,
  imageArchive,
  type LayerEntry,
  layerTar,
  sha256,
} from './testing/image-archive-builder.ts';

const kit = overlayTestKit();
after(() => kit.cleanup());
let n = 0;

/** a fresh data root per test: stores share nothing */
function stack(isInUse?: (id: string) => 'running' | 'stopped' | null) {
  const root = join(kit.root, `root${n++}`);
  return createImageStack({
    layout: {
      content: join(root, 'content'),
      images: join(root, 'images'),
      snapshots: join(root, 'snapshots'),
    },
    helperPath,
    syncBlobs: false,
    ...(isInUse ? { isInUse } : {}),
  });
}

const src = (b: Buffer) => Readable.from([b]);

const layer2: LayerEntry[] = [
  { path: 'etc/motd', content: 'layer 2\n' },
  { path: 'bin/ping', type: 'whiteout' },
  { path: 'data', type: 'dir' },
  { path: 'data/old.txt', content: 'old\n' },
];
const layer3: LayerEntry[] = [
  { path: 'data', type: 'dir' },
  { path: 'data', type: 'opaque' },
  { path: 'data/new.txt', content: 'new\n' },
];

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

describe('image store', () => {
  it('loads a docker save tarball (3 layers, whiteout, opaque dir) and runs busybox from the mounted rootfs', async () => {
    const s = stack();
    const events: ImageEvent[] = [];
    s.images.events.subscribe((e) => events.push(e));
    const { archive, image } = busyboxArchive({
      extraLayers: [layer2, layer3],
      config: { Cmd: ['sh'], WorkingDir: '/' },
    });
    let unpackedFromBlob = 0;
    const applyLayer = s.snapshotter.applyLayer.bind(s.snapshotter);
    s.snapshotter.applyLayer = (...args) => {
      unpackedFromBlob++;
      return applyLayer(...args);
    };
    const t0 = performance.now();
    const result = await s.images.load(src(archive));
    assert.equal(unpackedFromBlob, 0, 'every layer was unpacked while the archive streamed');
    console.log(
      `load busybox (3 layers, ${(archive.length / 1e6).toFixed(1)} MB): ${(performance.now() - t0).toFixed(1)} ms`,
    );
    assert.deepEqual(result.images, [{ id: image.id, tags: ['busybox:latest'] }]);
    // as Docker's: a tag event per tag (named by it), then load (named by the image id)
    assert.deepEqual(
      events.map((e) => [e.action, e.ref]),
      [
        ['tag', 'busybox:latest'],
        ['load', image.id],
      ],
    );
    const [summary] = await s.images.list();
    assert.equal(summary?.Id, image.id);
    assert.deepEqual(summary?.RepoTags, ['busybox:latest']);
    const inspect = await s.images.inspect('busybox');
    assert.equal(inspect.Id, image.id);
    assert.deepEqual(inspect.RootFS.Layers, image.diffIds);
    assert.deepEqual(inspect.Config.Cmd, ['sh']);
    assert.equal(inspect.Os, 'linux');
    assert.ok(inspect.Size > 1_000_000);
    assert.equal((await s.images.history('busybox')).length, 3);
    assert.equal((await s.images.resolve(image.id.slice(7, 19))).id, image.id);
    assert.equal((await s.images.resolve(`docker.io/library/busybox:latest`)).id, image.id);

    const snap = await s.images.prepareRootfs('berthtest-load', 'busybox:latest');
    kit.mount(snap.mount);
    assert.ok(!existsSync(join(snap.mergedDir, 'bin/ping')));
    assert.deepEqual(readdirSync(join(snap.mergedDir, 'data')), ['new.txt']);
    const out = execFileSync('chroot', [snap.mergedDir, '/bin/sh', '-c', 'cat /etc/motd; ls /data'], {
      encoding: 'utf8',
    });
    assert.equal(out, 'layer 2\nnew.txt\n');
    kit.unmount(snap.mergedDir);
    await s.snapshotter.remove('berthtest-load');
  });

  it('loads the legacy docker save layout and gzip OCI layouts to the same image id, sharing layers', async () => {
    const s = stack();
    const base = busyboxRootfs();
    const top = layerTar(layer2);
    const legacy = imageArchive([{ layers: [base, top], tags: ['one:latest'] }], 'docker-legacy');
    const a = await s.images.load(src(legacy));
    const layersAfterFirst = await s.snapshotter.listLayers();
    assert.equal(layersAfterFirst.length, 2);
    const baseDir = layersAfterFirst.find((l) => l.parent === null)?.diffDir ?? '';
    const marker = join(baseDir, 'berthtest-marker');
    writeFileSync(marker, 'x'); // would vanish if the base layer were unpacked again
    // a second image on the same base, OCI layout with gzip layers
    const other = layerTar([{ path: 'other', content: 'o' }]);
    const oci = imageArchive(
      [
        {
          layers: [gzipSync(base), gzipSync(other)],
          diffIds: [sha256(base), sha256(other)],
          tags: ['two:1'],
        },
      ],
      'oci',
    );
    const b = await s.images.load(src(gzipSync(oci)));
    assert.notEqual(a.images[0]?.id, b.images[0]?.id);
    assert.equal((await s.snapshotter.listLayers()).length, 3);
    assert.ok(existsSync(marker), 'shared base layer was unpacked once');
    // the same image as a docker (25+) archive: same id, nothing new unpacked
    const c = await s.images.load(
      src(imageArchive([{ layers: [base, top], tags: ['one:again'] }], 'docker')),
    );
    assert.equal(c.images[0]?.id, a.images[0]?.id);
    assert.equal((await s.snapshotter.listLayers()).length, 3);
    assert.deepEqual((await s.images.inspect('one:again')).RepoTags, ['one:again', 'one:latest']);
  });

  it('refuses a blob whose content does not match its digest and commits nothing', async () => {
    const s = stack();
    const good = buildImage({ layers: [layerTar([{ path: 'a', content: 'a' }])], tags: ['bad:1'] });
    void good;
    const archive = imageArchive(
      [{ layers: [layerTar([{ path: 'a', content: 'a' }])], tags: ['bad:1'] }],
      'docker',
    );
    // flip one byte inside the layer blob's content ('a' → 'b')
    const tampered = Buffer.from(archive);
    const at = tampered.indexOf(Buffer.from('a\0\0\0', 'latin1'), 2048);
    assert.ok(at > 0);
    tampered[at] = 0x62;
    await assert.rejects(
      s.images.load(src(tampered)),
      (e) => isEngineError(e, 'invalid') && /digest mismatch/.test(e.message),
    );
    assert.deepEqual(await s.images.list(), []);
    assert.deepEqual(await s.content.list(), []);
    assert.deepEqual(await s.snapshotter.listLayers(), []);
    assert.deepEqual(readdirSync(join(s.content.root, 'ingest')), []);
    assert.deepEqual(readdirSync(join(s.snapshotter.root, 'tmp')), [], 'no half-unpacked layer left');
  });

  it('refuses a layer whose diff_id does not match the config, and one with a path escape', async () => {
    const s = stack();
    const l = layerTar([{ path: 'a', content: 'a' }]);
    const wrong = imageArchive([{ layers: [l], diffIds: [sha256('not this')], tags: ['x:1'] }], 'docker');
    await assert.rejects(
      s.images.load(src(wrong)),
      (e) => isEngineError(e, 'invalid') && /diff_id/.test(e.message),
    );
    const evil = imageArchive([
      { layers: [layerTar([{ path: '../../berthtest-escaped', content: 'x' }])], tags: ['evil:1'] },
    ]);
    await assert.rejects(s.images.load(src(evil)), (e) => isEngineError(e, 'forbidden'));
    assert.ok(!existsSync(join(kit.root, 'berthtest-escaped')));
    assert.deepEqual(await s.images.list(), []);
    assert.deepEqual(await s.content.list(), []);
    assert.deepEqual(await s.snapshotter.listLayers(), []);
    assert.deepEqual(readdirSync(join(s.snapshotter.root, 'tmp')), [], 'no half-unpacked layer left');
  });

  it('imports a rootfs tarball as a one-layer image with changes', async () => {
    const s = stack();
    const id = await s.images.importRootfs(src(gzipSync(busyboxRootfs())), {
      ref: 'imported:v1',
      changes: [
        'CMD ["/bin/sh", "-c", "echo hi"]',
        'ENV A=1 B="two words"',
        'EXPOSE 8080',
        'WORKDIR /tmp',
        'LABEL x=y',
      ],
    });
    const inspect = await s.images.inspect('imported:v1');
    assert.equal(inspect.Id, id);
    assert.deepEqual(inspect.RootFS.Layers, [sha256(busyboxRootfs())]);
    assert.deepEqual(inspect.Config.Cmd, ['/bin/sh', '-c', 'echo hi']);
    assert.deepEqual(inspect.Config.Env, ['A=1', 'B=two words']);
    assert.deepEqual(inspect.Config.ExposedPorts, { '8080/tcp': {} });
    assert.equal(inspect.Config.WorkingDir, '/tmp');
    assert.deepEqual(inspect.Config.Labels, { x: 'y' });
    // the stored blob is the uncompressed layer, so its digest is the diff_id
    assert.ok(await s.content.has(sha256(busyboxRootfs()) as `sha256:${string}`));
  });

  it('tags, removes (untag vs delete, in-use conflicts) and prunes, collecting layers and blobs', async () => {
    let inUse: 'running' | 'stopped' | null = null;
    const s = stack(() => inUse);
    const events: string[] = [];
    s.images.events.subscribe((e) => events.push(`${e.action}:${e.ref ?? ''}`));
    const { archive, image } = busyboxArchive();
    await s.images.load(src(archive));
    await s.images.tag('busybox', 'localhost:5000/team/box:1');
    assert.deepEqual((await s.images.inspect(image.id)).RepoTags, [
      'busybox:latest',
      'localhost:5000/team/box:1',
    ]);
    await assert.rejects(s.images.remove(image.id), (e) => isEngineError(e, 'conflict'));
    assert.deepEqual(await s.images.remove('localhost:5000/team/box:1'), [
      { Untagged: 'localhost:5000/team/box:1' },
    ]);
    inUse = 'stopped';
    await assert.rejects(
      s.images.remove('busybox'),
      (e) => isEngineError(e, 'conflict') && /stopped/.test(e.message),
    );
    inUse = 'running';
    await assert.rejects(s.images.remove('busybox', { force: true }), (e) => isEngineError(e, 'conflict'));
    inUse = null;
    await assert.rejects(s.images.remove('nope:1'), (e) => isEngineError(e, 'not_found'));
    await assert.rejects(s.images.tag('busybox', 'Bad:Name'), (e) => isEngineError(e, 'invalid'));

    // a dangling image: load another under the same tag
    const { archive: archive2, image: image2 } = busyboxArchive({
      extraLayers: [[{ path: 'v2', content: '2' }]],
    });
    await s.images.load(src(archive2));
    assert.deepEqual(
      (await s.images.list({ dangling: true })).map((i) => i.Id),
      [image.id],
    );
    const pruned = await s.images.prune();
    assert.deepEqual(pruned.ImagesDeleted, [{ Deleted: image.id }]);
    assert.equal((await s.snapshotter.listLayers()).length, 2, 'the shared base layer stays');
    assert.deepEqual(await s.images.remove('busybox'), [
      { Untagged: 'busybox:latest' },
      { Deleted: image2.id },
    ]);
    assert.deepEqual(await s.snapshotter.listLayers(), []);
    assert.deepEqual(await s.content.list(), []);
    assert.ok(events.includes('tag:localhost:5000/team/box:1') && events.includes('untag:busybox:latest'));
    assert.ok(events.filter((e) => e.startsWith('delete')).length === 2);
  });

  it('save → load round trip keeps the image id, tags and manifest (docker and oci formats)', async () => {
    const s = stack();
    const { archive, image } = busyboxArchive({ extraLayers: [layer2, layer3], tag: 'round:trip' });
    await s.images.load(src(archive));
    for (const format of ['docker', 'oci'] as const) {
      const saved = await collect(s.images.save(['round:trip'], format));
      const t = stack();
      const loaded = await t.images.load(src(saved));
      assert.deepEqual(loaded.images, [{ id: image.id, tags: ['round:trip'] }]);
      assert.deepEqual(await collect(t.images.save(['round:trip'], format)), saved, 'save is deterministic');
      assert.equal((await t.images.inspect('round:trip')).Id, image.id);
      if (format === 'docker' && existsSync('/usr/bin/skopeo')) {
        // an independent reader of both layouts
        const file = join(kit.root, `saved-${format}.tar`);
        writeFileSync(file, saved);
        const viaDocker = JSON.parse(
          execFileSync('skopeo', ['inspect', '--raw', '--config', `docker-archive:${file}`], {
            encoding: 'utf8',
          }),
        );
        assert.deepEqual(viaDocker.rootfs.diff_ids, image.diffIds);
        const viaOci = JSON.parse(
          execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${file}`], { encoding: 'utf8' }),
        );
        assert.equal(viaOci.config.digest, image.id);
      }
    }
    // saved by id: no tags in the archive, still the same image
    const byId = await collect(s.images.save([image.id]));
    const u = stack();
    assert.deepEqual((await u.images.load(src(byId))).images, [{ id: image.id, tags: [] }]);
  });

  it('commits a container: the new layer is stored and unpacked once, and a new container sees it', async () => {
    const s = stack();
    const { archive, image } = busyboxArchive();
    await s.images.load(src(archive));
    const snap = await s.images.prepareRootfs('berthtest-commit', 'busybox');
    kit.mount(snap.mount);
    execFileSync('chroot', [
      snap.mergedDir,
      '/bin/sh',
      '-c',
      'echo committed > /hello && rm /bin/vi && mkdir -p /srv',
    ]);
    const changes = await s.snapshotter.changes('berthtest-commit');
    assert.deepEqual(
      changes.filter((c) => ['/hello', '/bin/vi', '/srv'].includes(c.Path)),
      [
        { Path: '/bin/vi', Kind: 2 },
        { Path: '/hello', Kind: 1 },
        { Path: '/srv', Kind: 1 },
      ],
    );
    kit.unmount(snap.mergedDir);
    const layersBefore = (await s.snapshotter.listLayers()).length;
    const id = await s.images.commit('berthtest-commit', {
      imageId: image.id,
      ref: 'committed:1',
      changes: ['CMD ["cat", "/hello"]'],
      comment: 'berthtest',
    });
    assert.equal((await s.snapshotter.listLayers()).length, layersBefore + 1);
    const inspect = await s.images.inspect('committed:1');
    assert.equal(inspect.Id, id);
    assert.equal(inspect.Parent, image.id);
    assert.equal(inspect.RootFS.Layers.length, 2);
    assert.deepEqual(inspect.Config.Cmd, ['cat', '/hello']);
    const snap2 = await s.images.prepareRootfs('berthtest-commit2', 'committed:1');
    kit.mount(snap2.mount);
    assert.equal(readFileSync(join(snap2.mergedDir, 'hello'), 'utf8'), 'committed\n');
    assert.ok(!existsSync(join(snap2.mergedDir, 'bin/vi')));
    kit.unmount(snap2.mergedDir);
    // the committed image round-trips through save/load
    const t = stack();
    assert.equal((await t.images.load(src(await collect(s.images.save(['committed:1']))))).images[0]?.id, id);
    await assert.rejects(
      s.images.remove('busybox'),
      (e) => isEngineError(e, 'conflict') && /child/.test(e.message),
    );
    await s.snapshotter.remove('berthtest-commit');
    await s.snapshotter.remove('berthtest-commit2');
    const du = await s.images.diskUsage();
    assert.equal(du.images.length, 2);
    assert.ok(du.images.every((i) => i.sharedSize > 0));
  });

  it('registers a streamed (pulled) image: blobs and layers written under a lease survive a concurrent GC', async () => {
    const s = stack();
    const base = busyboxRootfs();
    const built = buildImage({ layers: [gzipSync(base)], diffIds: [sha256(base)] });
    const blob = gzipSync(base);
    let gcDone = false;
    const id = await s.images.lease(async () => {
      // as the registry client will: store the blob and unpack it from the same stream
      const w = await s.content.writer({ expected: built.layerDigests[0] as `sha256:${string}` });
      async function* tee() {
        for (let i = 0; i < blob.length; i += 65536) {
          const c = blob.subarray(i, i + 65536);
          await w.write(c);
          yield c;
        }
      }
      await s.snapshotter.applyLayer(null, tee(), { expectedDiffId: sha256(base) as `sha256:${string}` });
      await w.commit();
      await s.content.put(built.configBytes);
      await s.content.put(built.manifestBytes);
      const gc = s.images.garbageCollect().then(() => {
        gcDone = true;
      });
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(gcDone, false, 'GC waits for the lease');
      const registered = await s.images.registerImage(built.manifestDigest as `sha256:${string}`, {
        tags: ['localhost:5000/pulled:1'],
        repoDigests: [`localhost:5000/pulled@${built.manifestDigest}`],
      });
      void gc;
      return registered;
    });
    assert.equal(id, built.id);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(gcDone, true);
    const inspect = await s.images.inspect(`localhost:5000/pulled@${built.manifestDigest}`);
    assert.deepEqual(inspect.RepoDigests, [`localhost:5000/pulled@${built.manifestDigest}`]);
    assert.deepEqual(inspect.RepoTags, ['localhost:5000/pulled:1']);
    assert.equal((await s.content.list()).length, 3);
  });
});

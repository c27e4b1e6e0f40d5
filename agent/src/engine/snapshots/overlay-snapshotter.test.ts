import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { sha256Digest } from '../content/digest.ts';
import { LocalContentStore } from '../content/local-content-store.ts';
import { isEngineError } from '../errors.ts';
import { busyboxRootfs } from '../images/testing/busybox-image.ts';
import { type LayerEntry, layerTar } from '../images/testing/image-archive-builder.ts';
import { chainIdOf } from './chain-id.ts';
import { OverlaySnapshotter } from './overlay-snapshotter.ts';
import { helperPath, overlayTestKit } from './testing/overlay-test-kit.ts';

const layer2: LayerEntry[] = [
  { path: 'etc', type: 'dir' },
  { path: 'etc/motd', content: 'layer2\n' },
  { path: 'etc', type: 'dir' },
  { path: 'bin/ping', type: 'whiteout' }, // hide an applet of layer 1
  { path: 'data', type: 'dir' },
  { path: 'data/new.txt', content: 'new\n' },
  { path: 'data', type: 'opaque' },
  { path: 'dev/null', type: 'char', major: 1, minor: 3 },
  { path: 'run/fifo', type: 'fifo' },
];
const layer1Extra: LayerEntry[] = [
  { path: 'data', type: 'dir' },
  { path: 'data/old.txt', content: 'old\n' },
  { path: 'data/sub', type: 'dir' },
  { path: 'data/sub/deep.txt', content: 'deep\n' },
];

function src(buf: Buffer): AsyncIterable<Uint8Array> {
  return Readable.from([buf]);
}

describe('overlay snapshotter', () => {
  const kit = overlayTestKit();
  const root = join(kit.root, 'snapshots');
  let snap: OverlaySnapshotter;
  const l1 = Buffer.concat([
    busyboxRootfs().subarray(0, busyboxRootfs().length - 1024),
    layerTar(layer1Extra),
  ]);
  const l2 = layerTar(layer2);

  before(() => {
    snap = new OverlaySnapshotter(root, { helperPath });
  });
  after(() => kit.cleanup());

  it('unpacks layers once, converts whiteouts and opaque dirs, and the mount shows the merge', async () => {
    const t0 = performance.now();
    const a = await snap.applyLayer(null, src(l1));
    const t1 = performance.now();
    assert.equal(a.diffId, sha256Digest(l1));
    const b = await snap.applyLayer(a.chainId, src(gzipSync(l2)), { expectedDiffId: sha256Digest(l2) });
    assert.equal(b.chainId, chainIdOf(a.chainId, sha256Digest(l2)));
    console.log(`busybox layer unpack: ${(t1 - t0).toFixed(1)} ms, ${a.entries} entries`);
    // same layer again: no second unpack, same dir
    const again = await snap.applyLayer(null, src(l1), { expectedDiffId: a.diffId });
    assert.equal(again.diffDir, a.diffDir);
    assert.equal((await snap.listLayers()).length, 2);
    const wh = lstatSync(join(b.diffDir, 'bin/ping'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0);
    assert.equal(lstatSync(join(b.diffDir, 'dev/null')).rdev, (1 << 8) | 3);
    assert.ok(lstatSync(join(b.diffDir, 'run/fifo')).isFIFO());
    assert.equal(lstatSync(join(a.diffDir, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(lstatSync(join(a.diffDir, 'bin/sh')).ino, lstatSync(join(a.diffDir, 'bin/busybox')).ino);

    const s = await snap.prepare('berthtest-c1', b.chainId);
    assert.equal(s.mount.cwd, undefined);
    assert.match(s.graphDriver.Data.LowerDir, /init:.*diff:.*diff$/);
    kit.mount(s.mount);
    assert.equal(readFileSync(join(s.mergedDir, 'etc/motd'), 'utf8'), 'layer2\n');
    assert.ok(!existsSync(join(s.mergedDir, 'bin/ping')), 'whiteout hides the lower file');
    assert.ok(existsSync(join(s.mergedDir, 'bin/ls')));
    assert.deepEqual(readdirSync(join(s.mergedDir, 'data')), ['new.txt'], 'opaque dir hides lower contents');
    const out = execFileSync('chroot', [s.mergedDir, '/bin/sh', '-c', 'echo hi from $(cat /etc/motd)'], {
      encoding: 'utf8',
    });
    assert.equal(out, 'hi from layer2\n');

    // container changes: add, modify, delete, and an opaque re-created dir
    writeFileSync(join(s.mergedDir, 'etc/added'), 'x');
    writeFileSync(join(s.mergedDir, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
    rmSync(join(s.mergedDir, 'bin/ls'));
    rmSync(join(s.mergedDir, 'data'), { recursive: true });
    mkdirSync(join(s.mergedDir, 'data'));
    writeFileSync(join(s.mergedDir, 'data/only.txt'), 'only');
    const changes = await snap.changes('berthtest-c1');
    const byPath = Object.fromEntries(changes.map((c) => [c.Path, c.Kind]));
    assert.equal(byPath['/etc'], 0);
    assert.equal(byPath['/etc/added'], 1);
    assert.equal(byPath['/etc/passwd'], 0);
    assert.equal(byPath['/bin/ls'], 2);
    assert.equal(byPath['/data'], 0);
    assert.equal(byPath['/data/only.txt'], 1);

    // export through the mount and computed from the layers agree
    const mountedList = await tarNames(snap.export('berthtest-c1'));
    kit.unmount(s.mergedDir);
    const computedList = await tarNames(snap.export('berthtest-c1'));
    assert.deepEqual(computedList, mountedList);
    assert.ok(computedList.includes('data/only.txt') && !computedList.includes('data/new.txt'));
    assert.ok(!computedList.includes('bin/ls') && computedList.includes('bin/cat'));

    // commit: the new layer is unpacked in the same pass, a new container sees it
    const content = new LocalContentStore(join(kit.root, 'content'), { sync: false });
    const committed = await snap.commit('berthtest-c1', await content.writer());
    assert.equal(committed.blob.digest, committed.layer.diffId);
    assert.ok(await content.has(committed.layer.diffId));
    assert.equal(committed.layer.parent, b.chainId);
    const s2 = await snap.prepare('berthtest-c2', committed.layer.chainId);
    kit.mount(s2.mount);
    assert.ok(!existsSync(join(s2.mergedDir, 'bin/ls')));
    assert.deepEqual(readdirSync(join(s2.mergedDir, 'data')), ['only.txt']);
    assert.equal(readFileSync(join(s2.mergedDir, 'etc/added'), 'utf8'), 'x');
    kit.unmount(s2.mergedDir);
    const usage = await snap.usage('berthtest-c1');
    assert.ok(usage.sizeRw > 0 && usage.sizeRootFs > a.size);

    await snap.remove('berthtest-c1');
    await snap.remove('berthtest-c2');
    assert.deepEqual(await snap.list(), []);
    const gc = await snap.gcLayers(new Set([b.chainId]));
    assert.deepEqual(gc.removed, [committed.layer.chainId]);
    assert.equal((await snap.listLayers()).length, 2);
  });

  it('uses relative short links with a cwd when the mount data would not fit a page', async () => {
    const small = new OverlaySnapshotter(root, { helperPath, mountDataLimit: 200 });
    const [top] = (await small.listLayers()).filter((l) => l.parent !== null);
    assert.ok(top);
    const s = await small.prepare('berthtest-rel', top.chainId);
    assert.equal(s.mount.cwd, root);
    assert.match(s.mount.options[0] ?? '', /^lowerdir=l\/i[0-9a-f]{15}:l\/[0-9a-f]{16}:l\/[0-9a-f]{16}$/);
    kit.mount(s.mount);
    assert.equal(readFileSync(join(s.mergedDir, 'etc/motd'), 'utf8'), 'layer2\n');
    kit.unmount(s.mergedDir);
    await small.remove('berthtest-rel');
  });

  it('refuses a layer whose diff_id does not match, committing nothing', async () => {
    const before = (await snap.listLayers()).length;
    const bad = layerTar([{ path: 'x', content: 'x' }]);
    await assert.rejects(
      snap.applyLayer(null, src(bad), { expectedDiffId: sha256Digest('other') }),
      (e) => isEngineError(e, 'invalid') && /diff_id mismatch/.test(e.message),
    );
    assert.equal((await snap.listLayers()).length, before);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  });

  describe('malicious layers are refused and write nothing outside', () => {
    const outside = () => join(kit.root, 'escaped');
    const cases: [string, LayerEntry[]][] = [
      ['../ escape', [{ path: '../escaped', content: 'x' }]],
      ['nested ../ escape', [{ path: 'a/../../escaped', content: 'x' }]],
      [
        'absolute path',
        [{ path: 'placeholder', type: 'raw', header: { name: '/tmp/berthtest-abs', type: 'file', size: 0 } }],
      ],
      [
        'symlink escape then write through it',
        [
          { path: 'evil', type: 'symlink', target: '..' },
          { path: 'evil/escaped', content: 'x' },
        ],
      ],
      [
        'symlink to an absolute dir then write through it',
        [
          { path: 'etc', type: 'symlink', target: '/etc' },
          { path: 'etc/berthtest-owned', content: 'x' },
        ],
      ],
      ['hardlink to outside (absolute)', [{ path: 'pw', type: 'link', target: '/etc/passwd' }]],
      ['hardlink to outside (..)', [{ path: 'pw', type: 'link', target: '../../../../etc/passwd' }]],
      ['hardlink to a path not in the layer', [{ path: 'pw', type: 'link', target: 'etc/passwd' }]],
      ['block device outside dev/', [{ path: 'sda', type: 'block', major: 8, minor: 0 }]],
      [
        'whiteout through a symlink',
        [
          { path: 'l', type: 'symlink', target: '/tmp' },
          { path: 'l/x', type: 'whiteout' },
        ],
      ],
    ];
    for (const [name, entries] of cases) {
      it(name, async () => {
        const layersBefore = (await snap.listLayers()).length;
        await assert.rejects(snap.applyLayer(null, src(layerTar(entries))), (e) =>
          isEngineError(e, 'forbidden'),
        );
        assert.ok(!existsSync(outside()));
        assert.ok(
          !existsSync('/etc/berthtest-owned') && !existsSync('/tmp/berthtest-abs') && !existsSync('/tmp/x'),
        );
        assert.equal((await snap.listLayers()).length, layersBefore);
        assert.deepEqual(readdirSync(join(root, 'tmp')), []);
      });
    }
  });

  it('bounds entry count and uncompressed size (decompression bombs)', async () => {
    const many = new OverlaySnapshotter(root, { helperPath, maxEntries: 10 });
    const entries: LayerEntry[] = Array.from({ length: 20 }, (_, i) => ({ path: `f${i}`, content: '' }));
    await assert.rejects(many.applyLayer(null, src(layerTar(entries))), (e) => isEngineError(e, 'invalid'));
    const big = new OverlaySnapshotter(root, { helperPath, maxBytes: 64 * 1024 });
    const bomb = gzipSync(layerTar([{ path: 'zeros', content: Buffer.alloc(1 << 20) }]));
    assert.ok(bomb.length < 4096);
    await assert.rejects(
      big.applyLayer(null, src(bomb)),
      (e) => isEngineError(e, 'invalid') && /exceeds/.test(e.message),
    );
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
  });
});

async function tarNames(stream: AsyncIterable<Buffer>): Promise<string[]> {
  const { default: tar } = await import('tar-stream');
  const ex = tar.extract();
  const names: string[] = [];
  const feeding = pipeline(Readable.from(stream), ex);
  for await (const e of ex) {
    names.push(e.header.name.replace(/\/$/, ''));
    e.resume();
  }
  await feeding;
  return names.sort();
}

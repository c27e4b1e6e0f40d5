import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Digest } from '../content/digest.ts';
import { type EngineErrorCode, isEngineError } from '../errors.ts';
import { MediaType } from '../images/oci-schemas.ts';
import { goArch, layerTar, sha256 } from '../images/testing/image-archive-builder.ts';
import { type FakeRegistry, sha, startFakeRegistry } from './testing/fake-registry.ts';
import { registryTestKit, type TestEngine } from './testing/registry-test-kit.ts';

const kit = registryTestKit();
let fake: FakeRegistry;
before(async () => {
  fake = await startFakeRegistry();
});
after(async () => {
  await fake?.close();
  kit.cleanup();
});

interface Published {
  manifest: Buffer;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
}

/** Serves an image honestly from the fake; each test then breaks one thing. */
function publish(
  repo: string,
  layers: Buffer[],
  options: {
    diffIds?: string[];
    layerMediaType?: string;
    manifestMediaType?: string;
    architecture?: string;
  } = {},
): Published {
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.architecture ?? goArch(),
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: options.diffIds ?? layers.map((l) => sha256(l)) },
    }),
  );
  const configDigest = sha(config);
  fake.blobs.set(configDigest, { kind: 'serve', body: config });
  const layerDigests = layers.map((l) => {
    const d = sha(l);
    fake.blobs.set(d, { kind: 'serve', body: l });
    return d;
  });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.byteLength },
      layers: layers.map((l, i) => ({
        mediaType:
          options.layerMediaType ??
          (l[0] === 0x1f && l[1] === 0x8b ? MediaType.ociLayerGzip : MediaType.ociLayer),
        digest: layerDigests[i],
        size: l.byteLength,
      })),
    }),
  );
  const manifestDigest = sha(manifest);
  const entry = { body: manifest, mediaType: options.manifestMediaType ?? MediaType.ociManifest };
  fake.manifests.set(`${repo}:latest`, entry);
  fake.manifests.set(`${repo}:${manifestDigest}`, entry);
  return { manifest, manifestDigest, configDigest, layerDigests };
}

const good = () => layerTar([{ path: 'ok.txt', content: 'fine\n' }]);
const second = () => layerTar([{ path: 'data.bin', content: Buffer.alloc(200_000, 3) }]);

/** the pull fails with this code and message, and the store holds nothing of it */
async function refused(
  e: TestEngine,
  ref: string,
  code: EngineErrorCode,
  pattern: RegExp,
  notStored: string[] = [],
  options: { platform?: string } = {},
) {
  await assert.rejects(e.registry.pull(ref, options), (err) => {
    assert.ok(isEngineError(err, code), `${code} wanted, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
  assert.deepEqual(await e.stack.images.list(), [], 'no image recorded');
  assert.deepEqual(e.leftovers(), [], 'no ingest file or temp unpack dir');
  for (const d of notStored) assert.equal(await e.stack.content.has(d as Digest), false, `${d} not stored`);
}

describe('pull refuses bad registry input and commits nothing', () => {
  it('a layer whose bytes do not match its digest', async () => {
    const p = publish('berthtest/mismatch', [good(), second()]);
    const bad = Buffer.from(second());
    bad[600] = (bad[600] ?? 0) ^ 0xff;
    fake.blobs.set(p.layerDigests[1] as string, { kind: 'serve', body: bad });
    await refused(kit.engine(), `${fake.host}/berthtest/mismatch`, 'invalid', /digest mismatch/, [
      p.layerDigests[1] as string,
    ]);
  });

  it('a blob cut off mid-transfer, and one shorter than its descriptor', async () => {
    const p = publish('berthtest/trunc', [second()]);
    const layer = p.layerDigests[0] as string;
    fake.blobs.set(layer, { kind: 'cut', body: second(), sent: 50_000 });
    await refused(
      kit.engine({ attempts: 2 }),
      `${fake.host}/berthtest/trunc`,
      'unavailable',
      /connection lost after 50000 of \d+ bytes/,
      [layer],
    );
    fake.blobs.set(layer, { kind: 'serve', body: second().subarray(0, 100_000) });
    await refused(
      kit.engine(),
      `${fake.host}/berthtest/trunc`,
      'invalid',
      /truncated: received 100000 of \d+ bytes/,
      [layer],
    );
  });

  it('a manifest naming a blob the registry lacks', async () => {
    const p = publish('berthtest/missing', [good(), second()]);
    fake.blobs.set(p.layerDigests[1] as string, { kind: 'missing' });
    await refused(kit.engine(), `${fake.host}/berthtest/missing`, 'not_found', /blob unknown/);
  });

  it('unsupported media types, before any blob is fetched', async () => {
    publish('berthtest/weird-layer', [good()], { layerMediaType: 'application/vnd.example.weird' });
    const e = kit.engine();
    const before = fake.requests.length;
    await refused(
      e,
      `${fake.host}/berthtest/weird-layer`,
      'invalid',
      /unsupported media type "application\/vnd\.example\.weird"/,
    );
    assert.ok(!fake.requests.slice(before).some((r) => r.includes('/blobs/')));
    publish('berthtest/weird-manifest', [good()], {
      manifestMediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
    });
    await refused(e, `${fake.host}/berthtest/weird-manifest`, 'invalid', /unsupported media type/);
  });

  it('a platform the index lacks, naming those it has', async () => {
    const p = publish('berthtest/foreign', [good()], { architecture: 's390x' });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          {
            mediaType: MediaType.ociManifest,
            digest: p.manifestDigest,
            size: p.manifest.byteLength,
            platform: { os: 'linux', architecture: 's390x' },
          },
          {
            mediaType: MediaType.ociManifest,
            digest: p.manifestDigest,
            size: p.manifest.byteLength,
            platform: { os: 'linux', architecture: 'ppc64le' },
          },
        ],
      }),
    );
    fake.manifests.set('berthtest/foreign:latest', { body: index, mediaType: MediaType.ociIndex });
    await refused(
      kit.engine(),
      `${fake.host}/berthtest/foreign`,
      'not_found',
      /no matching manifest for linux\/\w+ .*available: linux\/s390x, linux\/ppc64le/,
    );
    await refused(kit.engine(), `${fake.host}/berthtest/foreign`, 'not_found', /linux\/arm\/v7/, [], {
      platform: 'linux/arm',
    });
  });

  it('a layer tar whose entries escape the layer', async () => {
    const evil = layerTar([
      { path: 'ok.txt', content: 'fine\n' },
      {
        path: '../escape',
        type: 'raw',
        header: { name: '../berthtest-escape', type: 'file', size: 4, mode: 0o644 },
        content: Buffer.from('bad\n'),
      },
    ]);
    const p = publish('berthtest/escape', [gzipSync(evil)], { diffIds: [sha256(evil)] });
    const e = kit.engine();
    await refused(e, `${fake.host}/berthtest/escape`, 'forbidden', /escape|outside|\.\./);
    assert.equal(existsSync(join(e.root, 'snapshots', 'berthtest-escape')), false);
    assert.equal(existsSync(join(e.root, 'snapshots', 'tmp', 'berthtest-escape')), false);
    void p;
  });

  it('a decompression bomb, stopped at the unpacker bound', async () => {
    const huge = layerTar([{ path: 'zeros', content: Buffer.alloc(64 * 2 ** 20) }]);
    const bomb = gzipSync(huge, { level: 9 });
    assert.ok(bomb.byteLength < 200_000);
    publish('berthtest/bomb', [bomb], { diffIds: [sha256(huge)] });
    const e = kit.engine({}, { maxBytes: 16 * 2 ** 20 });
    await refused(e, `${fake.host}/berthtest/bomb`, 'invalid', /exceeds 16777216 uncompressed bytes/);
  });

  it('a layer whose content does not hash to the config diff_id', async () => {
    const p = publish('berthtest/diffid', [good()], { diffIds: [sha256('something else')] });
    await refused(kit.engine(), `${fake.host}/berthtest/diffid`, 'invalid', /the image config says/);
    void p;
  });

  it('a manifest that does not match the digest it was asked by', async () => {
    const p = publish('berthtest/by-digest', [good()]);
    const other = publish('berthtest/other', [second()]);
    fake.manifests.set(`berthtest/by-digest:${p.manifestDigest}`, {
      body: other.manifest,
      mediaType: MediaType.ociManifest,
    });
    await refused(
      kit.engine(),
      `${fake.host}/berthtest/by-digest@${p.manifestDigest}`,
      'invalid',
      /manifest digest mismatch/,
    );
  });

  it('a zstd layer unpacks to its diff_id; a corrupt zstd stream is refused', async () => {
    const plain = second();
    const zst = execFileSync('zstd', ['-c', '-q'], { input: plain });
    const zstd = { layerMediaType: MediaType.ociLayerZstd, diffIds: [sha256(plain)] };
    publish('berthtest/zstd', [zst], zstd);
    const e = kit.engine();
    await e.registry.pull(`${fake.host}/berthtest/zstd`);
    assert.equal((await e.stack.images.list()).length, 1, 'pulled: the unpacked bytes hash to the diff_id');

    const corrupt = Buffer.from(zst);
    corrupt[4] = 0xff; // the frame header descriptor, with its reserved bit set
    publish('berthtest/zstd-bad', [corrupt], zstd);
    await refused(kit.engine(), `${fake.host}/berthtest/zstd-bad`, 'invalid', /not a valid zstd stream/);
  });

  it('a layer count that disagrees with the config', async () => {
    publish('berthtest/count', [good(), second()], { diffIds: [sha256(good())] });
    await refused(
      kit.engine(),
      `${fake.host}/berthtest/count`,
      'invalid',
      /2 layers but its config lists 1 diff_ids/,
    );
  });
});

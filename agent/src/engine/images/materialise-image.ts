import type { ContentStore } from '../content/content-store.ts';
import { type Digest, sha256Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { chainIdOf } from '../snapshots/chain-id.ts';
import type { LayerIngest, Snapshotter } from '../snapshots/snapshotter.ts';
import type { ImageRecord, LayerRecord } from './image-records.ts';
import { type Descriptor, type ImageConfig, ImageManifest, MediaType, parseJson } from './oci-schemas.ts';

/** A layer blob unpacked while its archive streamed, waiting for its place in a chain. */
export interface StreamedLayer {
  ingest: LayerIngest;
  diffId: Digest;
}

/**
 * Unpacks (or finds) every layer of a manifest and returns the image record,
 * not yet saved. Layers already unpacked under their ChainID are reused;
 * layers unpacked while an archive streamed are committed into place; the
 * rest are unpacked from their blobs, verified against the config's diff_ids.
 */
export async function materialiseImage(
  content: ContentStore,
  snapshotter: Snapshotter,
  input: {
    manifest: ImageManifest;
    manifestDigest: Digest;
    config: ImageConfig;
    parentImage: Digest | null;
    unpacked?: ReadonlyMap<Digest, StreamedLayer> | undefined;
  },
): Promise<ImageRecord> {
  const { manifest, manifestDigest, config, parentImage, unpacked } = input;
  const diffIds = config.rootfs.diff_ids;
  if (manifest.layers.length !== diffIds.length) {
    throw new EngineError(
      'invalid',
      `manifest has ${manifest.layers.length} layers, config ${diffIds.length} diff_ids`,
    );
  }
  let parent: Digest | null = null;
  let size = 0;
  const layers: LayerRecord[] = [];
  for (const [i, desc] of manifest.layers.entries()) {
    const diffId = diffIds[i] as Digest;
    const chainId = chainIdOf(parent, diffId);
    let layer = await snapshotter.layer(chainId);
    const streamed = unpacked?.get(desc.digest);
    if (!layer && streamed && streamed.diffId === diffId) {
      layer = await streamed.ingest.commit(parent); // unpacked while the archive streamed
    }
    if (!layer) {
      const info = await content.info(desc.digest).catch((err) => {
        throw new EngineError('invalid', `layer blob ${desc.digest} is missing`, { cause: err });
      });
      if (info.size !== desc.size)
        throw new EngineError(
          'invalid',
          `layer ${desc.digest}: size ${info.size}, manifest says ${desc.size}`,
        );
      layer = await snapshotter.applyLayer(parent, content.read(desc.digest), {
        expectedDiffId: diffId,
      });
    }
    size += layer.size;
    parent = chainId;
    layers.push({ digest: desc.digest, mediaType: desc.mediaType, size: desc.size, diffId });
  }
  const now = new Date().toISOString();
  return {
    id: manifest.config.digest,
    manifestDigest,
    layers,
    chainId: parent,
    repoDigests: [],
    parent: parentImage,
    size,
    created: config.created ?? now,
    loadedAt: now,
    lastTagTime: null,
  };
}

/** Stores a config and an OCI manifest for layers already in the content store. */
export async function storeImageObjects(
  content: ContentStore,
  config: ImageConfig,
  layers: Descriptor[],
): Promise<{ manifest: ImageManifest; manifestDigest: Digest; configDigest: Digest }> {
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = sha256Digest(configBytes);
  if (!(await content.has(configDigest))) await content.put(configBytes, { expected: configDigest });
  const manifest = parseJson(
    ImageManifest,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configBytes.byteLength },
      layers,
    }),
    'manifest',
  );
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256Digest(manifestBytes);
  if (!(await content.has(manifestDigest))) await content.put(manifestBytes, { expected: manifestDigest });
  return { manifest, manifestDigest, configDigest };
}

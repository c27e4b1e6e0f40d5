import { posix } from 'node:path';
import type { ContentStore } from '../content/content-store.ts';
import { type Digest, sha256Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import type { ArchiveContents } from './archive-reader.ts';
import {
  Annotation,
  type Descriptor,
  DockerArchiveManifest,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  INDEX_MEDIA_TYPES,
  LAYER_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  MediaType,
  parseJson,
} from './oci-schemas.ts';
import { matchesHost } from './platform.ts';
import { formatReference, normalizeTagged, parseReference } from './reference.ts';

export const MAX_JSON_BLOB = 16 * 2 ** 20;

/** An image found in an archive, its manifest and config stored and parsed, its layers not yet unpacked. */
export interface ImageCandidate {
  manifestDigest: Digest;
  manifest: ImageManifest;
  configDigest: Digest;
  config: ImageConfig;
  /** normalised `domain/path:tag` */
  tags: string[];
}

/**
 * Reads what images an archive holds: `manifest.json` (docker save, both
 * layouts) wins for tags; a pure OCI layout is read through index.json
 * (nested indexes resolved to this host's platform). Manifests that the
 * archive lacks are synthesised, so every image has one in the store.
 */
export async function imagesInArchive(
  content: ContentStore,
  archive: ArchiveContents,
): Promise<ImageCandidate[]> {
  const dockerManifest = archive.metadata.get('manifest.json');
  const indexBytes = archive.metadata.get('index.json');
  const ociManifests = indexBytes
    ? await manifestsFromIndex(content, parseJson(ImageIndex, indexBytes, 'index.json'), 0)
    : [];
  if (dockerManifest) {
    const items = parseJson(DockerArchiveManifest, dockerManifest, 'manifest.json');
    const out: ImageCandidate[] = [];
    for (const item of items) {
      const configDigest = blobAt(archive, item.Config);
      const config = await readConfig(content, configDigest);
      const layers = item.Layers.map((p) => blobAt(archive, p));
      if (layers.length !== config.rootfs.diff_ids.length) {
        throw new EngineError(
          'invalid',
          `manifest.json: ${layers.length} layers but the config lists ${config.rootfs.diff_ids.length} diff_ids`,
        );
      }
      const fromIndex = ociManifests.find((m) => m.manifest.config.digest === configDigest);
      const { manifest, manifestDigest } =
        fromIndex ?? (await synthesiseManifest(content, configDigest, layers));
      out.push({
        manifest,
        manifestDigest,
        configDigest,
        config,
        tags: (item.RepoTags ?? []).map(normalizeTagged),
      });
    }
    return out;
  }
  if (ociManifests.length > 0) {
    const out: ImageCandidate[] = [];
    for (const m of ociManifests) {
      const config = await readConfig(content, m.manifest.config.digest);
      if (m.manifest.layers.length !== config.rootfs.diff_ids.length) {
        throw new EngineError(
          'invalid',
          `manifest ${m.manifestDigest}: layer count differs from the config's diff_ids`,
        );
      }
      const existing = out.find((o) => o.manifestDigest === m.manifestDigest);
      if (existing) existing.tags.push(...m.tags);
      else out.push({ ...m, configDigest: m.manifest.config.digest, config });
    }
    return out;
  }
  if (indexBytes) return [];
  throw new EngineError('invalid', 'not an image archive: no manifest.json or index.json');
}

function blobAt(archive: ArchiveContents, path: string): Digest {
  const d = archive.blobs.get(posix.normalize(path).replace(/^(\.\/)+/, ''));
  if (d === undefined)
    throw new EngineError('invalid', `image archive names ${JSON.stringify(path)} but does not contain it`);
  return d;
}

export async function readConfig(content: ContentStore, digest: Digest): Promise<ImageConfig> {
  return parseJson(ImageConfig, await content.readBytes(digest, MAX_JSON_BLOB), `image config ${digest}`);
}

async function manifestsFromIndex(
  content: ContentStore,
  index: ImageIndex,
  depth: number,
): Promise<{ manifest: ImageManifest; manifestDigest: Digest; tags: string[] }[]> {
  if (depth > 4) throw new EngineError('invalid', 'image index nests too deeply');
  const out: { manifest: ImageManifest; manifestDigest: Digest; tags: string[] }[] = [];
  for (const d of index.manifests) {
    if (INDEX_MEDIA_TYPES.has(d.mediaType)) {
      const nested = parseJson(ImageIndex, await readBlob(content, d), `index ${d.digest}`);
      const picked = nested.manifests.filter(
        (m) => MANIFEST_MEDIA_TYPES.has(m.mediaType) && matchesHost(m.platform),
      );
      const chosen = picked.length > 0 ? [picked[0] as Descriptor] : [];
      if (chosen.length === 0)
        throw new EngineError('invalid', `index ${d.digest} has no manifest for this platform`);
      const tags = tagsOf(d);
      for (const m of await manifestsFromIndex(content, { ...nested, manifests: chosen }, depth + 1)) {
        out.push({ ...m, tags: [...m.tags, ...tags] });
      }
    } else if (MANIFEST_MEDIA_TYPES.has(d.mediaType)) {
      const manifest = parseJson(ImageManifest, await readBlob(content, d), `manifest ${d.digest}`);
      for (const l of manifest.layers) {
        if (!LAYER_MEDIA_TYPES.has(l.mediaType))
          throw new EngineError('invalid', `unsupported layer media type ${l.mediaType}`);
      }
      out.push({ manifest, manifestDigest: d.digest, tags: tagsOf(d) });
    }
    // other artifacts (attestations, signatures) are not images: skipped
  }
  return out;
}

async function readBlob(content: ContentStore, d: Descriptor): Promise<Buffer> {
  const bytes = await content.readBytes(d.digest, MAX_JSON_BLOB).catch((err) => {
    throw new EngineError('invalid', `image archive lacks blob ${d.digest}`, { cause: err });
  });
  if (bytes.byteLength !== d.size)
    throw new EngineError('invalid', `blob ${d.digest}: size ${bytes.byteLength}, descriptor says ${d.size}`);
  return bytes;
}

/** Tags from index annotations: containerd's full name, or an OCI ref.name that is a whole reference. */
function tagsOf(d: Descriptor): string[] {
  const full = d.annotations?.[Annotation.containerdName];
  const refName = d.annotations?.[Annotation.refName];
  for (const candidate of [full, refName]) {
    if (candidate === undefined || !/[/:]/.test(candidate)) continue;
    try {
      const ref = parseReference(candidate);
      if (ref.digest === undefined) return [formatReference(ref)];
    } catch {
      // not a reference: a bare tag, which names no repository
    }
  }
  return [];
}

async function synthesiseManifest(
  content: ContentStore,
  configDigest: Digest,
  layers: Digest[],
): Promise<{ manifest: ImageManifest; manifestDigest: Digest }> {
  const configInfo = await content.info(configDigest);
  const layerDescriptors: Descriptor[] = [];
  for (const digest of layers) {
    const info = await content.info(digest);
    layerDescriptors.push({ mediaType: await sniffLayerType(content, digest), digest, size: info.size });
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configInfo.size },
    layers: layerDescriptors,
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256Digest(bytes);
  if (!(await content.has(manifestDigest))) await content.put(bytes, { expected: manifestDigest });
  return { manifest, manifestDigest };
}

async function sniffLayerType(content: ContentStore, digest: Digest): Promise<string> {
  const stream = content.read(digest);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (chunk[0] === 0x1f && chunk[1] === 0x8b) return MediaType.ociLayerGzip;
      if (chunk[0] === 0x28 && chunk[1] === 0xb5) return MediaType.ociLayerZstd;
      return MediaType.ociLayer;
    }
    return MediaType.ociLayer;
  } finally {
    stream.destroy();
  }
}

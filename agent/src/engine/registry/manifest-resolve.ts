import { type Digest, sha256Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import {
  ImageIndex,
  ImageManifest,
  INDEX_MEDIA_TYPES,
  LAYER_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  MediaType,
  parseJson,
} from '../images/oci-schemas.ts';
import { type PlatformSpec, selectManifest } from './platform-select.ts';
import type { RawManifest, RegistryClient } from './registry-client.ts';

export interface ResolvedManifest {
  /** what the reference resolved to: the index's digest for a multi-arch image (Docker's RepoDigest) */
  topDigest: Digest;
  manifestDigest: Digest;
  manifestBytes: Buffer;
  manifest: ImageManifest;
  /** true when an index was resolved through platform selection */
  fromIndex: boolean;
}

const CONFIG_MEDIA_TYPES: ReadonlySet<string> = new Set([MediaType.dockerConfig, MediaType.ociConfig]);

/**
 * Fetches the manifest a tag or digest names, resolving an index to one
 * platform's manifest. Every manifest's bytes are hashed: a digest
 * reference, an index entry and a Docker-Content-Digest header must all
 * agree with what arrived. Media types Berth cannot pull are refused here,
 * before any blob is fetched.
 */
export async function resolveManifest(
  client: RegistryClient,
  reference: string,
  platform: PlatformSpec | undefined,
): Promise<ResolvedManifest> {
  const top = await client.getManifest(reference);
  const topDigest = verified(top, reference.startsWith('sha256:') ? reference : undefined, undefined);
  if (INDEX_MEDIA_TYPES.has(top.mediaType)) {
    const index = parseJson(ImageIndex, top.bytes, `manifest list ${topDigest}`);
    const chosen = selectManifest(index, platform);
    const child = await client.getManifest(chosen.digest);
    const manifestDigest = verified(child, chosen.digest, chosen.size);
    if (!MANIFEST_MEDIA_TYPES.has(child.mediaType))
      throw unsupported(`manifest ${manifestDigest}`, child.mediaType);
    return { topDigest, manifestDigest, ...checked(child.bytes, manifestDigest), fromIndex: true };
  }
  if (!MANIFEST_MEDIA_TYPES.has(top.mediaType)) throw unsupported(`manifest ${topDigest}`, top.mediaType);
  return { topDigest, manifestDigest: topDigest, ...checked(top.bytes, topDigest), fromIndex: false };
}

function verified(raw: RawManifest, expected: string | undefined, size: number | undefined): Digest {
  const digest = sha256Digest(raw.bytes);
  if (expected !== undefined && digest !== expected)
    throw new EngineError('invalid', `manifest digest mismatch: asked for ${expected}, received ${digest}`);
  if (raw.digestHeader?.startsWith('sha256:') && raw.digestHeader !== digest)
    throw new EngineError(
      'invalid',
      `manifest digest mismatch: registry says ${raw.digestHeader}, content is ${digest}`,
    );
  if (size !== undefined && raw.bytes.byteLength !== size)
    throw new EngineError(
      'invalid',
      `manifest ${digest}: ${raw.bytes.byteLength} bytes, the index says ${size}`,
    );
  return digest;
}

function checked(bytes: Buffer, digest: Digest): { manifestBytes: Buffer; manifest: ImageManifest } {
  const manifest = parseJson(ImageManifest, bytes, `manifest ${digest}`);
  if (!CONFIG_MEDIA_TYPES.has(manifest.config.mediaType))
    throw unsupported(`config of ${digest}`, manifest.config.mediaType);
  for (const l of manifest.layers) {
    if (!LAYER_MEDIA_TYPES.has(l.mediaType) || l.mediaType === MediaType.dockerForeignLayerGzip)
      throw unsupported(`layer ${l.digest}`, l.mediaType);
  }
  return { manifestBytes: bytes, manifest };
}

function unsupported(what: string, mediaType: string): EngineError {
  return new EngineError('invalid', `${what}: unsupported media type ${JSON.stringify(mediaType)}`);
}

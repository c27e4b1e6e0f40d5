import { sha256Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { MAX_JSON_BLOB } from '../images/load-archive.ts';
import {
  ImageConfig,
  ImageIndex,
  ImageManifest,
  INDEX_MEDIA_TYPES,
  type Platform,
  parseJson,
} from '../images/oci-schemas.ts';
import { parseReference } from '../images/reference.ts';
import type { RegistryAuth } from './credentials.ts';
import { readBody } from './http-transport.ts';
import { onPullEndpoint } from './pull-endpoint.ts';
import type { RegistryClient } from './registry-client.ts';
import { authFor, type RegistryDeps } from './registry-deps.ts';

/** Engine API DistributionInspect: what a reference names in its registry, without pulling it. */
export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: string; size: number };
  Platforms: Platform[];
}

/**
 * `GET /distribution/{name}/json`: the manifest (or index) the reference
 * resolves to and the platforms it offers, an index's from its entries, a
 * single manifest's from its config, as Docker reports them.
 */
export async function inspectDistribution(
  deps: RegistryDeps,
  input: string,
  options: { auth?: RegistryAuth; signal?: AbortSignal } = {},
): Promise<DistributionInspect> {
  const ref = parseReference(input);
  const reference = (ref.digest ?? ref.tag) as string;
  const auth = await authFor(deps, ref.domain, options.auth);
  const { value } = await onPullEndpoint(deps, ref, auth, options.signal, async (client) => {
    const top = await client.getManifest(reference);
    const digest = sha256Digest(top.bytes);
    if (ref.digest !== undefined && digest !== ref.digest)
      throw new EngineError(
        'invalid',
        `manifest digest mismatch: asked for ${ref.digest}, received ${digest}`,
      );
    const Descriptor = { mediaType: top.mediaType, digest, size: top.bytes.byteLength };
    if (INDEX_MEDIA_TYPES.has(top.mediaType)) {
      const index = parseJson(ImageIndex, top.bytes, `manifest list ${digest}`);
      return { Descriptor, Platforms: index.manifests.flatMap((m) => (m.platform ? [m.platform] : [])) };
    }
    const manifest = parseJson(ImageManifest, top.bytes, `manifest ${digest}`);
    return { Descriptor, Platforms: [await platformOf(client, manifest)] };
  });
  return value;
}

async function platformOf(client: RegistryClient, manifest: ImageManifest): Promise<Platform> {
  const { digest, size } = manifest.config;
  if (size > MAX_JSON_BLOB)
    throw new EngineError('invalid', `image config ${digest} is ${size} bytes: too large`);
  const bytes = await readBody(await client.getBlob(digest), size, `image config ${digest}`);
  if (sha256Digest(bytes) !== digest)
    throw new EngineError('invalid', `image config ${digest}: digest mismatch`);
  const config = parseJson(ImageConfig, bytes, `image config ${digest}`);
  return {
    architecture: config.architecture,
    os: config.os,
    ...(config.variant ? { variant: config.variant } : {}),
  };
}

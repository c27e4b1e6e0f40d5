import type { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { MediaType } from '../images/oci-schemas.ts';
import { familiarReference, formatReference, parseReference, repositoryName } from '../images/reference.ts';
import { uploadBlob } from './blob-upload.ts';
import type { RegistryAuth } from './credentials.ts';
import { createLimiter } from './limit.ts';
import { type ProgressListener, shortId } from './progress.ts';
import { endpointsFor } from './registry-config.ts';
import { authFor, clientFor, type RegistryDeps } from './registry-deps.ts';

export interface PushOptions {
  auth?: RegistryAuth;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** upload blobs in PATCH chunks of this size instead of one PUT each (some proxies cap request bodies) */
  chunkSize?: number;
}

export interface PushResult {
  digest: Digest;
  /** bytes of the pushed manifest */
  size: number;
  reference: string;
}

/**
 * `docker push name:tag`: uploads the config and layer blobs exactly as
 * they are stored, then PUTs the stored manifest bytes unchanged, so the
 * pushed digest is the local manifest digest and a pull gets the same image
 * back. Layers are not recompressed: an image loaded from `docker save` has
 * uncompressed layers and goes out as `…layer.v1.tar` / `…rootfs.diff.tar`
 * blobs (valid in both manifest formats); a pulled image goes back gzipped.
 * Compressing on the fly would need a new manifest, and its digest would
 * differ from the local one.
 */
export async function push(
  deps: RegistryDeps,
  input: string,
  options: PushOptions = {},
): Promise<PushResult> {
  const ref = parseReference(input);
  if (ref.digest !== undefined || ref.tag === undefined)
    throw new EngineError('invalid', `push needs a tag, not a digest: ${input}`);
  const tag = ref.tag;
  const emit: ProgressListener = options.onProgress ?? (() => {});
  const local = await deps.images.distributable(formatReference(ref)).catch((err) => {
    throw new EngineError(
      'not_found',
      `An image does not exist locally with the tag: ${familiarReference(ref)}`,
      {
        cause: err,
      },
    );
  });
  const { manifest, manifestBytes, manifestDigest } = local;

  emit({ kind: 'start', action: 'push', repository: repositoryName(ref), tag });
  const endpoint = endpointsFor(deps.config, ref.domain, 'push')[0];
  if (!endpoint) throw new EngineError('internal', `no endpoint for ${ref.domain}`);
  const auth = await authFor(deps, ref.domain, options.auth);
  const client = clientFor(deps, endpoint, ref.path, auth, 'pull,push', options.signal);
  await client.ping();

  // repositories of this registry the image was pulled from or pushed to: their blobs can be mounted
  const mountFrom = [
    ...new Set(
      local.repoDigests.flatMap((rd) => {
        const r = parseReference(rd, { defaultTag: false });
        return r.domain === ref.domain && r.path !== ref.path ? [r.path] : [];
      }),
    ),
  ];
  const layers = [...manifest.layers].reverse(); // Docker lists the top layer first
  for (const l of layers) emit({ kind: 'layer', id: shortId(l.digest), status: 'Preparing' });
  const limit = createLimiter(deps.config.concurrency);
  const common = { content: deps.content, mountFrom, chunkSize: options.chunkSize, onProgress: emit };
  const results = await Promise.allSettled([
    ...layers.map((l) =>
      limit(
        () => uploadBlob(client, l, common),
        () => emit({ kind: 'layer', id: shortId(l.digest), status: 'Waiting' }),
      ),
    ),
    limit(() => uploadBlob(client, manifest.config, { ...common, quiet: true })),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;

  const mediaType = manifest.mediaType ?? MediaType.ociManifest;
  const returned = await client.putManifest(tag, manifestBytes, mediaType);
  if (returned !== undefined && returned !== manifestDigest) {
    throw new EngineError(
      'invalid',
      `registry stored the manifest as ${returned}, expected ${manifestDigest}`,
    );
  }
  await deps.images.recordPush(local.id, `${repositoryName(ref)}@${manifestDigest}`, formatReference(ref));
  emit({ kind: 'pushed', tag, digest: manifestDigest, size: manifestBytes.byteLength });
  return { digest: manifestDigest, size: manifestBytes.byteLength, reference: formatReference(ref) };
}

import type { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { MAX_JSON_BLOB } from '../images/load-archive.ts';
import { ImageConfig, type ImageManifest, parseJson } from '../images/oci-schemas.ts';
import { familiarReference, formatReference, parseReference, repositoryName } from '../images/reference.ts';
import { chainIds } from '../snapshots/chain-id.ts';
import type { LayerIngest } from '../snapshots/snapshotter.ts';
import { blobChunks } from './blob-stream.ts';
import type { RegistryAuth } from './credentials.ts';
import { fetchLayer, type LayerJob } from './layer-fetch.ts';
import { createLimiter } from './limit.ts';
import { type ResolvedManifest, resolveManifest } from './manifest-resolve.ts';
import { formatPlatform, type PlatformSpec, parsePlatform } from './platform-select.ts';
import { type ProgressListener, shortId } from './progress.ts';
import { onPullEndpoint } from './pull-endpoint.ts';
import type { RegistryClient } from './registry-client.ts';
import { authFor, type RegistryDeps, retryOf } from './registry-deps.ts';
import { withRetry } from './retry.ts';

export interface PullOptions {
  /** `linux/arm64/v8`; defaults to this host's platform */
  platform?: string | PlatformSpec;
  /** credentials for this pull (X-Registry-Auth); defaults to those stored by login */
  auth?: RegistryAuth;
  onProgress?: ProgressListener;
  /** aborts the pull (the client went away); nothing half-done is kept */
  signal?: AbortSignal;
}

export interface PullResult {
  /** the image id (config digest) */
  id: Digest;
  /** what the reference resolved to (an index's digest for multi-arch images) */
  digest: Digest;
  /** normalised `docker.io/library/busybox:latest` */
  reference: string;
  upToDate: boolean;
}

/**
 * `docker pull`: resolves the reference (through mirrors for docker.io),
 * then, under an image-store lease so GC cannot take half-recorded content,
 * fetches the config, downloads and unpacks the missing layers concurrently,
 * places them in chain order and records the image with its tag and
 * RepoDigest. Nothing counts before its digest matched; on failure every
 * open ingest is dropped. Verified blobs stay in the content store (a retry
 * skips them; GC removes them if no image ever uses them).
 */
export async function pull(
  deps: RegistryDeps,
  input: string,
  options: PullOptions = {},
): Promise<PullResult> {
  const ref = parseReference(input);
  const platform = typeof options.platform === 'string' ? parsePlatform(options.platform) : options.platform;
  const emit: ProgressListener = options.onProgress ?? (() => {});
  const reference = (ref.digest ?? ref.tag) as string;
  emit({ kind: 'start', action: 'pull', repository: ref.path, tag: reference });
  const auth = await authFor(deps, ref.domain, options.auth);

  const { client, value: resolved } = await onPullEndpoint(deps, ref, auth, options.signal, (c) =>
    resolveManifest(c, reference, platform),
  );
  const tagged =
    ref.tag === undefined ? undefined : formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag });
  const before =
    tagged === undefined
      ? undefined
      : await deps.images.resolve(tagged).then(
          (r) => r.id,
          () => undefined,
        );

  const id = await deps.images.lease(async () => {
    const config = await fetchConfig(deps, client, resolved.manifest, options.signal);
    checkImage(resolved, config, platform);
    await fetchLayers(deps, client, resolved.manifest, config, emit, options.signal);
    if (!(await deps.content.has(resolved.manifestDigest)))
      await deps.content.put(resolved.manifestBytes, { expected: resolved.manifestDigest });
    return deps.images.registerImage(resolved.manifestDigest, {
      tags: tagged === undefined ? [] : [tagged],
      repoDigests: [`${repositoryName(ref)}@${resolved.topDigest}`],
      action: 'pull',
    });
  });

  const upToDate = before === id;
  emit({ kind: 'digest', digest: resolved.topDigest });
  emit({ kind: 'done', action: 'pull', upToDate, reference: familiarReference(ref) });
  return { id, digest: resolved.topDigest, reference: formatReference(ref), upToDate };
}

async function fetchConfig(
  deps: RegistryDeps,
  client: RegistryClient,
  manifest: ImageManifest,
  signal: AbortSignal | undefined,
): Promise<ImageConfig> {
  const { digest, size } = manifest.config;
  if (size > MAX_JSON_BLOB)
    throw new EngineError('invalid', `image config ${digest} is ${size} bytes: too large`);
  if (!(await deps.content.has(digest))) {
    await withRetry(
      async () => {
        const res = await client.getBlob(digest);
        await deps.content.put(blobChunks(res, digest, size), { expected: digest, size, maxSize: size });
      },
      { ...retryOf(deps.config), signal },
    );
  }
  return parseJson(
    ImageConfig,
    await deps.content.readBytes(digest, MAX_JSON_BLOB),
    `image config ${digest}`,
  );
}

function checkImage(
  resolved: ResolvedManifest,
  config: ImageConfig,
  platform: PlatformSpec | undefined,
): void {
  const { manifest } = resolved;
  if (manifest.layers.length !== config.rootfs.diff_ids.length) {
    throw new EngineError(
      'invalid',
      `manifest ${resolved.manifestDigest} has ${manifest.layers.length} layers but its config lists ${config.rootfs.diff_ids.length} diff_ids`,
    );
  }
  // a single-platform image pulled with --platform must be that platform (Docker 20.10 refuses too)
  if (
    platform &&
    !resolved.fromIndex &&
    (config.os !== platform.os || config.architecture !== platform.architecture)
  ) {
    const actual = formatPlatform({
      os: config.os,
      architecture: config.architecture,
      ...(config.variant ? { variant: config.variant } : {}),
    });
    throw new EngineError(
      'not_found',
      `image was found but does not match the specified platform: wanted ${formatPlatform(platform)}, actual: ${actual}`,
    );
  }
}

/**
 * Decides per layer what is missing, fetches those (a few at a time), then
 * installs the unpacked ones bottom-up. One failure cancels the others, and
 * every ingest not installed is dropped.
 */
async function fetchLayers(
  deps: RegistryDeps,
  client: RegistryClient,
  manifest: ImageManifest,
  config: ImageConfig,
  emit: ProgressListener,
  signal: AbortSignal | undefined,
): Promise<void> {
  const chains = chainIds(config.rootfs.diff_ids);
  const jobs: LayerJob[] = [];
  for (const [i, desc] of manifest.layers.entries()) {
    const diffId = config.rootfs.diff_ids[i] as Digest;
    const unpack = (await deps.snapshotter.layer(chains[i] as Digest)) === undefined;
    const download = !(await deps.content.has(desc.digest));
    jobs.push({ desc, diffId, download, unpack });
    emit({
      kind: 'layer',
      id: shortId(desc.digest),
      status: download || unpack ? 'Pulling fs layer' : 'Already exists',
    });
  }
  const cancel = new AbortController();
  const onAbort = () => cancel.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const limit = createLimiter(deps.config.concurrency);
  const layerClient = client.withSignal(cancel.signal);
  const ctx = {
    client: layerClient,
    content: deps.content,
    snapshotter: deps.snapshotter,
    retry: { ...retryOf(deps.config), signal: cancel.signal },
    onProgress: emit,
  };
  const settled = await Promise.allSettled(
    jobs.map((job) =>
      job.download || job.unpack
        ? limit(
            async () => {
              if (cancel.signal.aborted) throw new EngineError('internal', 'pull cancelled');
              return fetchLayer(ctx, job);
            },
            () => emit({ kind: 'layer', id: shortId(job.desc.digest), status: 'Waiting' }),
          ).catch((err) => {
            cancel.abort(err);
            throw err;
          })
        : Promise.resolve(undefined),
    ),
  );
  signal?.removeEventListener('abort', onAbort);
  const ingests = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  if (settled.some((s) => s.status === 'rejected')) {
    for (const ingest of ingests) await ingest?.abort();
    // the error that started it, not the cancellations it caused in the other downloads
    throw signal?.aborted
      ? new EngineError('internal', 'pull cancelled', { cause: signal.reason })
      : cancel.signal.reason;
  }
  await installLayers(jobs, chains, ingests, emit);
}

async function installLayers(
  jobs: LayerJob[],
  chains: Digest[],
  ingests: (LayerIngest | undefined)[],
  emit: ProgressListener,
): Promise<void> {
  let parent: Digest | null = null;
  try {
    for (const [i, job] of jobs.entries()) {
      const ingest = ingests[i];
      ingests[i] = undefined;
      const id = shortId(job.desc.digest);
      if (ingest) {
        emit({ kind: 'layer', id, status: 'Extracting', current: job.desc.size, total: job.desc.size });
        parent = (await ingest.commit(parent)).chainId;
      } else {
        parent = chains[i] ?? null;
      }
      if (job.download || job.unpack) emit({ kind: 'layer', id, status: 'Pull complete' });
    }
  } finally {
    for (const ingest of ingests) await ingest?.abort();
  }
}

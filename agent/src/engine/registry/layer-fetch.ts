import { decompressed } from '../archive/decompress.ts';
import type { ContentStore } from '../content/content-store.ts';
import type { Digest } from '../content/digest.ts';
import { EngineError, isEngineError } from '../errors.ts';
import type { Descriptor } from '../images/oci-schemas.ts';
import type { LayerIngest, Snapshotter } from '../snapshots/snapshotter.ts';
import { blobChunks } from './blob-stream.ts';
import type { ProgressListener } from './progress.ts';
import { shortId } from './progress.ts';
import type { RegistryClient } from './registry-client.ts';
import { isTransient, markTransient, type RetryOptions, withRetry } from './retry.ts';

export interface LayerJob {
  desc: Descriptor;
  diffId: Digest;
  /** the blob is not in the content store yet */
  download: boolean;
  /** the layer is not unpacked under its ChainID yet */
  unpack: boolean;
}

export interface LayerFetchContext {
  client: RegistryClient;
  content: ContentStore;
  snapshotter: Snapshotter;
  retry: RetryOptions;
  onProgress: ProgressListener;
}

/**
 * Downloads one layer blob into the content store and, in the same pass,
 * unpacks it into a layer ingest (its place in the chain is decided later,
 * in manifest order). Both count only once verified: the content writer
 * commits only if digest and size match, and the ingest is returned only if
 * the uncompressed bytes hash to the config's diff_id. A failed attempt
 * drops both; a connection lost mid-blob restarts the blob from scratch
 * (the unpack cannot rewind, so a ranged resume would not help).
 */
export async function fetchLayer(ctx: LayerFetchContext, job: LayerJob): Promise<LayerIngest | undefined> {
  const id = shortId(job.desc.digest);
  if (!job.download) {
    if (!job.unpack) return undefined;
    return unpackOnly(ctx, job);
  }
  return withRetry(
    async () => {
      const { digest, size } = job.desc;
      const writer = await ctx.content.writer({ expected: digest, size, maxSize: size });
      const ingest = job.unpack ? ctx.snapshotter.beginLayer() : undefined;
      try {
        const res = await ctx.client.getBlob(digest);
        let last = 0;
        const source = async function* () {
          for await (const chunk of blobChunks(res, digest, size, (received) => {
            last = received;
            ctx.onProgress({ kind: 'layer', id, status: 'Downloading', current: received, total: size });
          })) {
            await writer.write(chunk);
            yield chunk;
          }
        };
        if (ingest) {
          for await (const chunk of await decompressed(source())) await ingest.push(chunk);
        } else {
          for await (const _ of source()) {
            // the blob is stored; its layer is already unpacked
          }
        }
        if (last === 0) ctx.onProgress({ kind: 'layer', id, status: 'Downloading', current: 0, total: size });
        ctx.onProgress({ kind: 'layer', id, status: 'Verifying Checksum' });
        await writer.commit();
        ctx.onProgress({ kind: 'layer', id, status: 'Download complete' });
        if (ingest) await finishIngest(ingest, job);
        return ingest;
      } catch (err) {
        await writer.abort();
        await ingest?.abort();
        throw describe(err, job.desc);
      }
    },
    {
      ...ctx.retry,
      onRetry: () => ctx.onProgress({ kind: 'layer', id, status: 'Retrying' }),
    },
  );
}

/** The blob is here (an earlier pull stopped after storing it) but its layer is not unpacked. */
async function unpackOnly(ctx: LayerFetchContext, job: LayerJob): Promise<LayerIngest> {
  const id = shortId(job.desc.digest);
  ctx.onProgress({ kind: 'layer', id, status: 'Download complete' });
  const ingest = ctx.snapshotter.beginLayer();
  try {
    for await (const chunk of await decompressed(ctx.content.read(job.desc.digest))) await ingest.push(chunk);
    await finishIngest(ingest, job);
    return ingest;
  } catch (err) {
    await ingest.abort();
    throw describe(err, job.desc);
  }
}

async function finishIngest(ingest: LayerIngest, job: LayerJob): Promise<void> {
  const diffId = await ingest.finish();
  if (diffId !== job.diffId) {
    throw new EngineError(
      'invalid',
      `layer ${job.desc.digest}: uncompressed content hashes to ${diffId}, the image config says ${job.diffId}`,
    );
  }
}

/** zlib's and the tar parser's own errors, named after the layer they came from. */
function describe(err: unknown, desc: Descriptor): unknown {
  if (isEngineError(err)) {
    if (err.message.includes(desc.digest)) return err;
    const wrapped = new EngineError(err.code, `layer ${desc.digest}: ${err.message}`, { cause: err });
    return isTransient(err) ? markTransient(wrapped) : wrapped;
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code?.startsWith('Z_') || e?.name === 'AbortError') {
    return e.name === 'AbortError'
      ? new EngineError('internal', 'pull cancelled', { cause: err })
      : new EngineError(
          'invalid',
          `layer ${desc.digest}: not a valid ${desc.mediaType} stream (${e.message})`,
          { cause: err },
        );
  }
  return err;
}

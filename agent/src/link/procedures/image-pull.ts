import type { PullProgress } from '@berth/protocol';
import type { Engine } from '../../engine/engine.ts';
import type { ProgressEvent } from '../../engine/registry/index.ts';
import type { StreamContext, StreamHandlers } from '../request-handler.ts';

/**
 * Sends each layer's latest step as credit allows. The registry reports synchronously and must
 * never wait for the browser, so a slow reader sees fewer Downloading steps, never a stalled pull,
 * and nothing queues beyond one entry per layer.
 */
function layerProgressSender(ctx: StreamContext) {
  const pending = new Map<string, PullProgress>();
  let sending: Promise<void> | undefined;
  let failure: unknown;
  const pump = async () => {
    for (const [layer, item] of pending) {
      pending.delete(layer);
      await ctx.item(item);
    }
  };
  return {
    onProgress(event: ProgressEvent) {
      if (event.kind !== 'layer') return;
      const { id, status, current, total } = event;
      pending.set(id, { layer: id, status, current, total });
      sending ??= pump()
        .catch((err: unknown) => {
          failure = err;
        })
        .finally(() => {
          sending = undefined;
        });
    },
    async flush() {
      while (sending) await sending;
      if (failure !== undefined) throw failure;
    },
  };
}

/** `docker pull` as a link stream: layer progress as items, the stream's end aborts the pull. */
export function imagePullStream(engine: Engine): Pick<StreamHandlers, 'images.pull'> {
  return {
    'images.pull': async ({ reference, platform }, ctx) => {
      const progress = layerProgressSender(ctx);
      const pulled = await engine.registry.pull(reference, {
        ...(platform === undefined ? {} : { platform }),
        onProgress: (e) => progress.onProgress(e),
        signal: ctx.signal,
      });
      await progress.flush();
      return { id: pulled.id, digest: pulled.digest, reference: pulled.reference, upToDate: pulled.upToDate };
    },
  };
}

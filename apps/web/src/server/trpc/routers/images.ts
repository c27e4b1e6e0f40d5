import { DeleteResult, PruneResult, PullImageInput, Streams } from '@berth/protocol';
import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import { pullImage, pullImageToEnd } from '../../images/image-pull.ts';
import { listImages, pruneImages, removeImage } from '../../images/image-volume-actions.ts';
import { authedProcedure, router, withServiceErrors } from '../init.ts';
import { HostRef, viewable } from './host-inputs.ts';

const ImageRow = z.object({
  hostId: z.string(),
  hostName: z.string(),
  id: z.string(),
  repoTags: z.array(z.string()),
  sizeBytes: z.number(),
  createdAt: z.string(),
});

const PullInput = HostRef.extend(PullImageInput.shape);

export const imagesRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/images', summary: 'Images across all hosts' } })
    .input(z.object({ hostId: z.string().min(1).max(100).optional() }))
    .output(z.array(ImageRow))
    .query(({ ctx, input }) => listImages(ctx.deps.db, input, viewable(ctx.user))),

  remove: authedProcedure
    .meta({ openapi: { method: 'DELETE', path: '/hosts/{hostId}/images/{ref}', summary: 'Remove an image' } })
    .input(HostRef.extend({ ref: z.string().min(1).max(512), force: z.boolean().default(false) }))
    .output(DeleteResult)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      return await removeImage(ctx.deps, ctx.user, input);
    }),

  prune: authedProcedure
    .meta({
      openapi: { method: 'POST', path: '/hosts/{hostId}/images/prune', summary: 'Remove unused images' },
    })
    .input(HostRef.extend({ all: z.boolean().default(false) }))
    .output(PruneResult)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      return await pruneImages(ctx.deps, ctx.user, input);
    }),

  /** Layer progress, then the pulled image; leaving the subscription cancels the pull. */
  pull: authedProcedure.input(PullInput).subscription(async function* ({ ctx, input, signal }) {
    await requireHostAccess(ctx.user, input.hostId, 'manage');
    yield* withServiceErrors(pullImage(ctx.deps, ctx.user, input, signal));
  }),

  pullToEnd: authedProcedure
    .meta({ openapi: { method: 'POST', path: '/hosts/{hostId}/images/pull', summary: 'Pull an image' } })
    .input(PullInput)
    .output(Streams['images.pull'].result)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      const { kind: _, ...pulled } = await pullImageToEnd(ctx.deps, ctx.user, input);
      return pulled;
    }),
});

import { DeleteResult, PruneResult, PullImageInput, Streams } from '@berth/protocol';
import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import { recordFailedChange } from '../../audit/record-failure.ts';
import { ServiceError } from '../../errors.ts';
import { pullImage, pullImageToEnd } from '../../images/image-pull.ts';
import { listImages, pruneImages, removeImage } from '../../images/image-volume-actions.ts';
import { authedProcedure, router, toTRPCError, withServiceErrors } from '../init.ts';
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

  /**
   * Layer progress, then the pulled image; leaving the subscription cancels the pull. A refusal
   * is audited as refused mutations are (the middleware sees only mutations).
   */
  pull: authedProcedure.input(PullInput).subscription(({ ctx, input, signal }) =>
    withServiceErrors(
      (async function* () {
        await requireHostAccess(ctx.user, input.hostId, 'manage').catch(async (err: unknown) => {
          if (err instanceof ServiceError) {
            const error = toTRPCError(err, ctx.res);
            await recordFailedChange(ctx.deps, ctx.user, { action: 'images.pull', input, error });
          }
          throw err;
        });
        yield* pullImage(ctx.deps, ctx.user, input, signal);
      })(),
    ),
  ),

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

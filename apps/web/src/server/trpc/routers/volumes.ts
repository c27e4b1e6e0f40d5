import { PruneResult, VolumeSummary } from '@berth/protocol';
import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import { createVolume, listVolumes, pruneVolumes, removeVolume } from '../../images/image-volume-actions.ts';
import { authedProcedure, router } from '../init.ts';
import { Empty, HostRef, viewable } from './host-inputs.ts';

export const volumesRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/volumes', summary: 'Volumes across all hosts' } })
    .input(z.object({ hostId: z.string().min(1).max(100).optional() }))
    .output(z.array(VolumeSummary.extend({ hostId: z.string(), hostName: z.string() })))
    .query(({ ctx, input }) => listVolumes(ctx.deps.db, input, viewable(ctx.user))),

  create: authedProcedure
    .meta({ openapi: { method: 'POST', path: '/hosts/{hostId}/volumes', summary: 'Create a volume' } })
    .input(
      HostRef.extend({
        name: z
          .string()
          .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/)
          .max(255)
          .optional(),
        labels: z.record(z.string(), z.string()).default({}),
      }),
    )
    .output(VolumeSummary)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'run');
      return await createVolume(ctx.deps, ctx.user, input);
    }),

  remove: authedProcedure
    .meta({
      openapi: { method: 'DELETE', path: '/hosts/{hostId}/volumes/{name}', summary: 'Remove a volume' },
    })
    .input(HostRef.extend({ name: z.string().min(1).max(255), force: z.boolean().default(false) }))
    .output(Empty)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      await removeVolume(ctx.deps, ctx.user, input);
      return {};
    }),

  prune: authedProcedure
    .meta({
      openapi: { method: 'POST', path: '/hosts/{hostId}/volumes/prune', summary: 'Remove unused volumes' },
    })
    .input(HostRef)
    .output(PruneResult)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      return await pruneVolumes(ctx.deps, ctx.user, input);
    }),
});

import { NetworkCreateInput, NetworkSummary } from '@berth/protocol';
import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import { listNetworks } from '../../networks/list-networks.ts';
import { createNetwork, removeNetwork } from '../../networks/network-actions.ts';
import { authedProcedure, router } from '../init.ts';
import { Empty, HostRef, viewable } from './host-inputs.ts';

export const networksRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/networks', summary: 'Networks across all hosts' } })
    .input(z.object({ hostId: z.string().min(1).max(100).optional() }))
    .output(z.array(NetworkSummary.extend({ hostId: z.string(), hostName: z.string() })))
    .query(({ ctx, input }) => listNetworks(ctx.deps.db, input, viewable(ctx.user))),

  create: authedProcedure
    .meta({
      openapi: { method: 'POST', path: '/hosts/{hostId}/networks', summary: 'Create a bridge network' },
    })
    .input(HostRef.extend(NetworkCreateInput.shape))
    .output(NetworkSummary)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      return await createNetwork(ctx.deps, ctx.user, input);
    }),

  remove: authedProcedure
    .meta({
      openapi: { method: 'DELETE', path: '/hosts/{hostId}/networks/{ref}', summary: 'Remove a network' },
    })
    .input(HostRef.extend({ ref: z.string().min(1).max(128) }))
    .output(Empty)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      await removeNetwork(ctx.deps, ctx.user, input);
      return {};
    }),
});

import { NetworkSummary } from '@berth/protocol';
import { z } from 'zod';
import { listNetworks } from '../../networks/list-networks.ts';
import { authedProcedure, router } from '../init.ts';
import { viewable } from './host-inputs.ts';

export const networksRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/networks', summary: 'Networks across all hosts' } })
    .input(z.object({ hostId: z.string().min(1).max(100).optional() }))
    .output(z.array(NetworkSummary.extend({ hostId: z.string(), hostName: z.string() })))
    .query(({ ctx, input }) => listNetworks(ctx.deps.db, input, viewable(ctx.user))),
});

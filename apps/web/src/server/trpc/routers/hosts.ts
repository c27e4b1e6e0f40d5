import { HostStats } from '@berth/protocol';
import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import { LabelsSchema } from '../../access/labels.ts';
import { createJoinToken } from '../../hosts/create-join-token.ts';
import { listHosts } from '../../hosts/list-hosts.ts';
import { removeHost, renameHost, setHostLabels } from '../../hosts/manage-host.ts';
import { adminProcedure, authedProcedure, router } from '../init.ts';
import { Id, NameSchema, Ok } from '../schemas.ts';

const HostSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  os: z.string(),
  kernel: z.string(),
  arch: z.string(),
  cpus: z.number().int(),
  memoryBytes: z.number(),
  agentVersion: z.string(),
  status: z.enum(['online', 'offline']),
  lastSeenAt: z.string().nullable(),
  labels: LabelsSchema,
  /** the agent's latest report (CPU, memory, load); null while it is not connected */
  stats: HostStats.nullable(),
});

export const hostsRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/hosts', summary: 'Hosts you may view' } })
    .output(z.array(HostSchema))
    .query(async ({ ctx }) =>
      (await listHosts(ctx.deps.db, ctx.user)).map((host) => ({
        ...host,
        stats: host.status === 'online' ? (ctx.deps.gateway.hostStats(host.id) ?? null) : null,
      })),
    ),

  createJoinToken: adminProcedure
    .meta({
      openapi: { method: 'POST', path: '/hosts/join-tokens', summary: 'Create a one-time join token' },
    })
    .input(
      z.object({
        ttlMinutes: z
          .number()
          .int()
          .min(1)
          .max(7 * 24 * 60)
          .default(60),
      }),
    )
    .output(z.object({ token: z.string(), expiresAt: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { token, expiresAt } = await createJoinToken(ctx.deps.db, {
        createdBy: { id: ctx.user.id, username: ctx.user.username },
        ttlMs: input.ttlMinutes * 60_000,
      });
      return { token, expiresAt: expiresAt.toISOString() };
    }),

  rename: authedProcedure
    .meta({ openapi: { method: 'POST', path: '/hosts/{hostId}/rename', summary: 'Rename a host' } })
    .input(z.object({ hostId: Id, name: NameSchema }))
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      const renamed = await renameHost(ctx.deps.db, ctx.user, input);
      // lists that show the host's name (containers, pages) are stale now
      ctx.deps.hostFeed.publish({ hostId: input.hostId, kinds: ['presence'] });
      return renamed;
    }),

  setLabels: authedProcedure
    .meta({ openapi: { method: 'PUT', path: '/hosts/{hostId}/labels', summary: "Replace a host's labels" } })
    .input(z.object({ hostId: Id, labels: LabelsSchema }))
    .output(z.object({ id: z.string(), labels: LabelsSchema }))
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      return setHostLabels(ctx.deps.db, ctx.user, input);
    }),

  remove: authedProcedure
    .meta({
      openapi: { method: 'DELETE', path: '/hosts/{hostId}', summary: 'Forget a host and its credential' },
    })
    .input(z.object({ hostId: Id }))
    .output(Ok)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'manage');
      const removed = await removeHost(ctx.deps.db, ctx.user, input);
      // its containers went with it
      ctx.deps.hostFeed.publish({ hostId: input.hostId, kinds: ['presence', 'containers'] });
      return removed;
    }),
});

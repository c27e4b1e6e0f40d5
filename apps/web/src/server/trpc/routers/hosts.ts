import { z } from 'zod';
import { createJoinToken } from '../../hosts/create-join-token.ts';
import { listHosts } from '../../hosts/list-hosts.ts';
import { adminProcedure, authedProcedure, router } from '../init.ts';

export const hostsRouter = router({
  list: authedProcedure.query(({ ctx }) => listHosts(ctx.deps.db)),

  createJoinToken: adminProcedure
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
    .mutation(async ({ ctx, input }) => {
      const { token, expiresAt } = await createJoinToken(ctx.deps.db, {
        createdBy: { id: ctx.user.id, username: ctx.user.username },
        ttlMs: input.ttlMinutes * 60_000,
      });
      return { token, expiresAt: expiresAt.toISOString() };
    }),
});

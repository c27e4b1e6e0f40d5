import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../tokens/api-tokens.ts';
import { authedProcedure, router } from '../init.ts';
import { Id, NameSchema, ScopeSchema } from '../schemas.ts';

const TokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: ScopeSchema,
  userId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

export const tokensRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/tokens', summary: 'Your API tokens (admins: anyone’s)' } })
    .input(z.object({ userId: Id.optional() }))
    .output(z.array(TokenSchema))
    .query(({ ctx, input }) => listApiTokens(ctx.deps.db, ctx.user, input)),

  create: authedProcedure
    .meta({ openapi: { method: 'POST', path: '/tokens', summary: 'Create an API token (shown once)' } })
    .input(
      z.object({
        name: NameSchema,
        scope: ScopeSchema,
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    .output(TokenSchema.extend({ token: z.string() }))
    .mutation(({ ctx, input }) => createApiToken(ctx.deps.db, ctx.user, input)),

  revoke: authedProcedure
    .meta({ openapi: { method: 'DELETE', path: '/tokens/{tokenId}', summary: 'Revoke an API token' } })
    .input(z.object({ tokenId: Id }))
    .output(z.null())
    .mutation(async ({ ctx, input }) => {
      await revokeApiToken(ctx.deps.db, ctx.user, input);
      return null;
    }),
});

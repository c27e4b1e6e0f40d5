import { z } from 'zod';
import { listAudit } from '../../audit/list-audit.ts';
import { adminProcedure, router } from '../init.ts';
import { Id } from '../schemas.ts';

export const auditRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/audit', summary: 'The audit log, newest first' } })
    .input(
      z.object({
        actor: z.string().max(100).optional(),
        action: z.string().max(100).optional(),
        hostId: Id.optional(),
        result: z.enum(['success', 'failure']).optional(),
        since: z.iso.datetime().optional(),
        until: z.iso.datetime().optional(),
        cursor: Id.optional(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .output(
      z.object({
        entries: z.array(
          z.object({
            id: z.string(),
            at: z.string(),
            actorKind: z.enum(['user', 'host', 'system']),
            actor: z.string(),
            action: z.string(),
            hostId: z.string().nullable(),
            target: z.string().nullable(),
            result: z.enum(['success', 'failure']),
            detail: z.unknown(),
          }),
        ),
        nextCursor: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) =>
      listAudit(ctx.deps.db, {
        ...input,
        since: input.since ? new Date(input.since) : undefined,
        until: input.until ? new Date(input.until) : undefined,
      }),
    ),
});

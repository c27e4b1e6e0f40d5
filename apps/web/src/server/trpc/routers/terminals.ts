import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import { authedProcedure, router, withServiceErrors } from '../init.ts';
import { ContainerRef, Empty } from './host-inputs.ts';

const SessionRef = z.object({ sessionId: z.string().regex(/^[0-9a-f]{32}$/, 'not a terminal session id') });

/** Terminal sessions (wire format in docs/control-plane.md): open, attach (live), input, resize, close. */
export const terminalsRouter = router({
  open: authedProcedure
    .input(
      ContainerRef.extend({
        cmd: z.array(z.string().max(4096)).min(1).max(64).default(['/bin/sh']),
        rows: z.number().int().min(1).max(1000).default(24),
        cols: z.number().int().min(1).max(1000).default(80),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'terminal');
      return await ctx.deps.terminals.open(ctx.user, { ...input, containerId: input.id });
    }),

  /** Replays the kept output from `from` (default: all that is kept), then follows live output. */
  attach: authedProcedure
    .input(SessionRef.extend({ from: z.number().int().nonnegative().optional() }))
    .subscription(({ ctx, input, signal }) =>
      withServiceErrors(
        (async function* () {
          await requireHostAccess(ctx.user, ctx.deps.terminals.hostOf(input.sessionId), 'terminal');
          yield* ctx.deps.terminals.watch(
            input.sessionId,
            input.from,
            signal ?? new AbortController().signal,
          );
        })(),
      ),
    ),

  input: authedProcedure
    .input(SessionRef.extend({ data: z.string().max(65536) }))
    .output(Empty)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, ctx.deps.terminals.hostOf(input.sessionId), 'terminal');
      await ctx.deps.terminals.input(input.sessionId, Buffer.from(input.data, 'utf8'));
      return {};
    }),

  resize: authedProcedure
    .input(
      SessionRef.extend({ rows: z.number().int().min(1).max(1000), cols: z.number().int().min(1).max(1000) }),
    )
    .output(Empty)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, ctx.deps.terminals.hostOf(input.sessionId), 'terminal');
      ctx.deps.terminals.resize(input.sessionId, input.rows, input.cols);
      return {};
    }),

  close: authedProcedure
    .input(SessionRef)
    .output(Empty)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, ctx.deps.terminals.hostOf(input.sessionId), 'terminal');
      await ctx.deps.terminals.close(ctx.user, input.sessionId);
      return {};
    }),
});

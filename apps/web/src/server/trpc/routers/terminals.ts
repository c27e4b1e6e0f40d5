import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import { closeTerminal, openTerminal, terminalSession } from '../../terminals/open-terminal.ts';
import { Size } from '../../terminals/terminal-wire.ts';
import { authedProcedure, router } from '../init.ts';

/** Terminal sessions: opened here, then attached to over TERMINAL_PATH's websocket. */
export const terminalsRouter = router({
  open: authedProcedure
    .input(
      z.object({
        hostId: z.string().min(1).max(100),
        id: z.string().min(1).max(256),
        cmd: z.array(z.string().max(4096)).min(1).max(64).default(['/bin/sh']),
        ...Size.shape,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'terminal');
      return await openTerminal(ctx.deps, ctx.user, input);
    }),

  close: authedProcedure.input(z.object({ sessionId: z.uuid() })).mutation(async ({ ctx, input }) => {
    await requireHostAccess(ctx.user, terminalSession(ctx.deps, input.sessionId).hostId, 'terminal');
    await closeTerminal(ctx.deps, ctx.user, input.sessionId);
    return null;
  }),
});

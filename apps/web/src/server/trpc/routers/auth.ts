import { z } from 'zod';
import { changePassword } from '../../auth/change-password.ts';
import { logIn } from '../../auth/log-in.ts';
import { deleteSession } from '../../auth/sessions.ts';
import { clearSessionCookie, setSessionCookie } from '../../http/cookies.ts';
import { isSecureRequest } from '../../http/same-origin.ts';
import { authedProcedure, publicProcedure, router } from '../init.ts';

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user ?? null),

  login: publicProcedure
    .input(z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(1000) }))
    .mutation(async ({ ctx, input }) => {
      const { user, token, expiresAt } = await logIn(ctx.deps, {
        ...input,
        ip: ctx.req.socket.remoteAddress ?? 'unknown',
        userAgent: ctx.req.headers['user-agent'],
      });
      setSessionCookie(ctx.res, token, expiresAt, isSecureRequest(ctx.req, ctx.deps.config.BERTH_PUBLIC_URL));
      return user;
    }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await deleteSession(ctx.deps.db, ctx.sessionToken);
    clearSessionCookie(ctx.res, isSecureRequest(ctx.req, ctx.deps.config.BERTH_PUBLIC_URL));
    return null;
  }),

  changePassword: authedProcedure
    .input(
      z.object({ currentPassword: z.string().min(1).max(1000), newPassword: z.string().min(12).max(1000) }),
    )
    .mutation(async ({ ctx, input }) => {
      await changePassword(ctx.deps, ctx.user, { ...input, keepSessionToken: ctx.sessionToken });
      return null;
    }),
});

import { z } from 'zod';
import { changePassword } from '../../auth/change-password.ts';
import { logIn } from '../../auth/log-in.ts';
import { deleteSession, deleteUserSessions } from '../../auth/sessions.ts';
import { clearSessionCookie, setSessionCookie } from '../../http/cookies.ts';
import { isSecureRequest } from '../../http/same-origin.ts';
import { authedProcedure, publicProcedure, router } from '../init.ts';
import { RoleSchema } from '../schemas.ts';

export const authRouter = router({
  me: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/auth/me', summary: 'Who you are (null when not logged in)' } })
    .output(z.object({ id: z.string(), username: z.string(), role: RoleSchema }).nullable())
    .query(({ ctx }) => {
      // A refused API token is an error here too, so scripts learn why (expired, revoked, …).
      if (ctx.authError) throw ctx.authError;
      return ctx.user ? { id: ctx.user.id, username: ctx.user.username, role: ctx.user.role } : null;
    }),

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

  /** Ends every session of the caller, this one included (API tokens stay: revoke those). */
  logoutEverywhere: authedProcedure
    .meta({ openapi: { method: 'POST', path: '/auth/logout-everywhere', summary: 'End all your sessions' } })
    .output(z.object({ sessionsEnded: z.number() }))
    .mutation(async ({ ctx }) => {
      const sessionsEnded = await deleteUserSessions(ctx.deps.db, ctx.user.id);
      if (!ctx.bearer)
        clearSessionCookie(ctx.res, isSecureRequest(ctx.req, ctx.deps.config.BERTH_PUBLIC_URL));
      return { sessionsEnded };
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

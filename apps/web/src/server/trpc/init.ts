/**
 * tRPC building blocks: the request context, error mapping (ServiceError → tRPC code, the one
 * table), CSRF on every mutation, and authentication in the procedure builder.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { initTRPC, TRPCError } from '@trpc/server';
import { resolveSession, type SessionUser } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { ServiceError, type ServiceErrorCode } from '../errors.ts';
import { sessionTokenOf } from '../http/cookies.ts';
import { isSameOrigin } from '../http/same-origin.ts';

export interface Context {
  deps: Deps;
  req: IncomingMessage;
  res: ServerResponse;
  user: SessionUser | undefined;
  sessionToken: string | undefined;
}

export async function createContext(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<Context> {
  const sessionToken = sessionTokenOf(req);
  const user = await resolveSession(deps.db, sessionToken, deps.config.BERTH_SESSION_HOURS * 3_600_000);
  return { deps, req, res, user, sessionToken };
}

/**
 * Procedures that scripts may call also get a REST route under `/api/v1` and an entry in the
 * OpenAPI document, generated from this meta and the procedure's zod `.input()`/`.output()`.
 */
export interface ProcedureMeta {
  openapi?: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    /** relative to /api/v1, with `{param}` segments taken from the input, e.g. `/hosts/{hostId}` */
    path: string;
    summary: string;
  };
}

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create();

const TRPC_CODE: Record<ServiceErrorCode, TRPCError['code']> = {
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  'rate-limited': 'TOO_MANY_REQUESTS',
  invalid: 'BAD_REQUEST',
  unavailable: 'SERVICE_UNAVAILABLE',
  timeout: 'TIMEOUT',
  cancelled: 'CLIENT_CLOSED_REQUEST',
  internal: 'INTERNAL_SERVER_ERROR',
};

const mapServiceErrors = t.middleware(async ({ next, ctx }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof ServiceError) {
      if (cause.details.retryAfterSeconds)
        ctx.res.setHeader('Retry-After', String(cause.details.retryAfterSeconds));
      throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
    }
  }
  return result;
});

const csrf = t.middleware(({ type, ctx, next }) => {
  if (type === 'mutation' && !isSameOrigin(ctx.req, ctx.deps.config.BERTH_PUBLIC_URL)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'cross-origin request refused' });
  }
  return next();
});

export const router = t.router;
export const publicProcedure = t.procedure.use(csrf).use(mapServiceErrors);
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'log in first' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Global admins only (issue 7 refines this into per-host-group grants). */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin')
    throw new TRPCError({ code: 'FORBIDDEN', message: 'only admins can do this' });
  return next();
});

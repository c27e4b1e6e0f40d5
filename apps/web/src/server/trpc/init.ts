/**
 * tRPC building blocks: the request context (cookie session or Bearer API token), error mapping
 * (ServiceError → tRPC code, the one table), CSRF on cookie-authenticated mutations, the audit
 * record of every refused or failed change, and authentication in the procedure builder.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { initTRPC, TRPCError } from '@trpc/server';
import type { z } from 'zod';
import { createHostAccessSource } from '../access/grant-lookup.ts';
import type { AccessCaller } from '../access/host-access.ts';
import { recordFailedChange } from '../audit/record-failure.ts';
import { resolveSession } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { ServiceError, type ServiceErrorCode } from '../errors.ts';
import { bearerTokenOf, sessionTokenOf } from '../http/cookies.ts';
import { isSameOrigin } from '../http/same-origin.ts';
import { resolveApiToken } from '../tokens/api-tokens.ts';

export interface Context {
  deps: Deps;
  req: IncomingMessage;
  res: ServerResponse;
  user: AccessCaller | undefined;
  sessionToken: string | undefined;
  /** The call carried `Authorization: Bearer …` (no cookie, so no CSRF check). */
  bearer: boolean;
  /** Why a presented Bearer token was refused; thrown by procedures that need a caller. */
  authError: ServiceError | undefined;
}

export async function createContext(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<Context> {
  const bearerToken = bearerTokenOf(req);
  if (bearerToken !== undefined) {
    const base = { deps, req, res, sessionToken: undefined, bearer: true };
    try {
      const caller = await resolveApiToken(deps, bearerToken, req.socket.remoteAddress ?? 'unknown');
      return {
        ...base,
        user: { ...caller, access: createHostAccessSource(deps.db, caller.id) },
        authError: undefined,
      };
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      return { ...base, user: undefined, authError: err };
    }
  }
  const sessionToken = sessionTokenOf(req);
  const user = await resolveSession(deps.db, sessionToken, deps.config.BERTH_SESSION_HOURS * 3_600_000);
  return {
    deps,
    req,
    res,
    user: user && { ...user, access: createHostAccessSource(deps.db, user.id) },
    sessionToken,
    bearer: false,
    authError: undefined,
  };
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
    /** a subscription's items (served as JSON lines), for the OpenAPI document */
    items?: z.ZodType;
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

/** The one ServiceError → tRPC error mapping (also used by the image upload route). */
export function toTRPCError(err: ServiceError, res: ServerResponse): TRPCError {
  if (err.details.retryAfterSeconds) res.setHeader('Retry-After', String(err.details.retryAfterSeconds));
  return new TRPCError({ code: TRPC_CODE[err.code], message: err.message, cause: err });
}

/**
 * A subscription's errors after its first event never pass the middleware below; mapped here so
 * the browser gets the right code (an INTERNAL_SERVER_ERROR makes the client reconnect, and so
 * start over, forever).
 */
export async function* withServiceErrors<T>(events: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* events;
  } catch (err) {
    if (err instanceof ServiceError)
      throw new TRPCError({ code: TRPC_CODE[err.code], message: err.message, cause: err });
    throw err;
  }
}

const mapServiceErrors = t.middleware(async ({ next, ctx }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof ServiceError) throw toTRPCError(cause, ctx.res);
  }
  return result;
});

/** Cookies ride along on cross-site requests; a Bearer header never does, so it needs no check. */
const csrf = t.middleware(({ type, ctx, next }) => {
  if (type === 'mutation' && !ctx.bearer && !isSameOrigin(ctx.req, ctx.deps.config.BERTH_PUBLIC_URL)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'cross-origin request refused' });
  }
  return next();
});

/** Every change that is refused or fails is in the audit log too (successes are written by services). */
const auditFailures = t.middleware(async ({ type, ctx, path, next, getRawInput }) => {
  const result = await next();
  if (!result.ok && type === 'mutation' && ctx.user) {
    const input = await getRawInput().catch(() => undefined);
    await recordFailedChange(ctx.deps, ctx.user, { action: path, input, error: result.error });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(csrf).use(mapServiceErrors);
export const authedProcedure = publicProcedure.use(auditFailures).use(({ ctx, type, next }) => {
  if (!ctx.user) {
    if (ctx.authError) throw toTRPCError(ctx.authError, ctx.res);
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'log in first' });
  }
  if (type === 'mutation' && ctx.user.tokenScope === 'read') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'this API token is read-only (scope read)' });
  }
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Global admins only, and with an API token only one of scope admin. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin')
    throw new TRPCError({ code: 'FORBIDDEN', message: 'only admins can do this' });
  if (ctx.user.tokenScope && ctx.user.tokenScope !== 'admin') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `this API token's scope (${ctx.user.tokenScope}) does not allow admin actions`,
    });
  }
  return next();
});

/**
 * A failure of a raw HTTP route (image upload, exec websocket) as its status and message, through
 * the one ServiceError → tRPC table; anything else is an internal error, told to the log only.
 */
import type { ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ServiceError } from '../errors.ts';
import { toTRPCError } from '../trpc/init.ts';

export function httpErrorOf(err: unknown, res: ServerResponse, log: (message: string) => void) {
  if (!(err instanceof ServiceError)) log((err as Error).stack ?? String(err));
  const error =
    err instanceof ServiceError
      ? toTRPCError(err, res)
      : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error' });
  return { status: getHTTPStatusCodeFromError(error), message: error.message };
}

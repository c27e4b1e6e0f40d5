import type { LinkError } from '@berth/protocol';
import { ZodError, z } from 'zod';
import { EngineError } from '../engine/errors.ts';

/** The one table from what the agent throws to the link's closed set of error codes. */
export function toLinkError(err: unknown): LinkError {
  // a registry refusing credentials is, to the control plane, a refusal like any other
  if (err instanceof EngineError)
    return { code: err.code === 'unauthorized' ? 'forbidden' : err.code, message: err.message };
  if (err instanceof ZodError) return { code: 'invalid', message: z.prettifyError(err) };
  if (err instanceof LinkAbort) return { code: err.code, message: err.message };
  return { code: 'internal', message: (err as Error)?.message ?? String(err) };
}

/** Why a request's signal was aborted: its deadline passed, or the control plane cancelled it. */
export class LinkAbort extends Error {
  constructor(
    readonly code: 'deadline_exceeded' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

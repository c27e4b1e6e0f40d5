import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { type EngineErrorCode, isEngineError } from '../engine/errors.ts';

/** The one table from engine error codes to Docker API statuses. */
const statusOf: Record<EngineErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid: 400,
  not_modified: 304,
  forbidden: 403,
  unauthorized: 401,
  unavailable: 501,
  internal: 500,
};

/** Errors the adapter itself raises about the request (not about the engine's objects). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorStatus(err: unknown): { status: number; message: string } {
  if (err instanceof ApiError) return { status: err.status, message: err.message };
  if (isEngineError(err)) return { status: statusOf[err.code], message: err.message };
  if (err instanceof z.ZodError) {
    const issue = err.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { status: 400, message: `invalid parameter: ${where}${issue?.message ?? 'bad input'}` };
  }
  return { status: 500, message: err instanceof Error ? err.message : String(err) };
}

/** Docker's error body: `{"message": "..."}`; the CLI prints it as "Error response from daemon: ...". */
export function sendError(res: ServerResponse, err: unknown): void {
  const { status, message } = errorStatus(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 304) {
    res.writeHead(304).end();
    return;
  }
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

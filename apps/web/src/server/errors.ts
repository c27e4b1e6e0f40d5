/**
 * The one error type services throw. Each edge maps `code` to its own status in exactly one
 * table (tRPC in trpc/init.ts); services never throw transport errors.
 */
export type ServiceErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'invalid'
  /** a host is offline or went away mid-request */
  | 'unavailable'
  /** a deadline passed */
  | 'timeout'
  /** the caller gave up (its signal aborted) */
  | 'cancelled'
  /** something failed that the caller cannot fix */
  | 'internal';

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

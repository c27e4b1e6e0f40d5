import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { type HttpResponse, readBody } from './http-transport.ts';
import { markTransient } from './retry.ts';

/** The distribution spec's error body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}` */
const ErrorBody = z.object({
  errors: z.array(z.looseObject({ code: z.string(), message: z.string().optional() })).max(100),
});

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Turns a registry's non-success answer into an EngineError with the
 * registry's own words (`manifest unknown`, `unauthorized: authentication
 * required`), the way the docker CLI shows them. 5xx and 429 are transient.
 */
export async function registryError(res: HttpResponse, what: string): Promise<EngineError> {
  let detail = '';
  if (res.body.readable) {
    const bytes = await readBody(res, MAX_ERROR_BODY, 'error body').catch(() => Buffer.alloc(0));
    try {
      const parsed = ErrorBody.safeParse(JSON.parse(bytes.toString('utf8')));
      if (parsed.success)
        detail = parsed.data.errors
          .map((e) => `${e.code.toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`)
          .join('; ');
    } catch {
      // not JSON: the status says enough
    }
  }
  const fallback =
    res.status === 401
      ? 'unauthorized: authentication required'
      : res.status === 403
        ? 'denied: requested access to the resource is denied'
        : `HTTP ${res.status}`;
  const message = `${what}: ${detail || fallback}`;
  if (res.status === 401) return new EngineError('unauthorized', message);
  if (res.status === 403) return new EngineError('forbidden', message);
  if (res.status === 404) return new EngineError('not_found', message);
  if (res.status === 429 || res.status >= 500) return markTransient(new EngineError('unavailable', message));
  return new EngineError('invalid', message);
}

/**
 * A registry refusing a pull or push is a permission problem of this
 * request, not a login to retry: it leaves as `forbidden`, since a docker
 * CLI answered 401 would prompt for a password. Only login reports
 * `unauthorized`. A refused pull says what Docker says.
 */
export function accessDenied(err: unknown, action: 'pull' | 'push', repository: string): unknown {
  if (!(err instanceof EngineError) || err.code !== 'unauthorized') return err;
  const message =
    action === 'pull'
      ? `pull access denied for ${repository}, repository does not exist or may require 'docker login': ${err.message}`
      : err.message;
  return new EngineError('forbidden', message, { cause: err });
}

import { EngineError } from '../errors.ts';
import { familiarReference, type ImageReference } from '../images/reference.ts';
import type { RegistryAuth } from './credentials.ts';
import type { RegistryClient } from './registry-client.ts';
import { endpointsFor } from './registry-config.ts';
import { clientFor, type RegistryDeps } from './registry-deps.ts';

/**
 * Runs fn against the first endpoint that answers for a pull: docker.io's
 * mirrors in order (a failing mirror falls through to the next), then the
 * registry itself. Returns the client that succeeded, for the blob fetches
 * that follow. A missing manifest is reported in Docker's words.
 */
export async function onPullEndpoint<T>(
  deps: RegistryDeps,
  ref: ImageReference,
  auth: RegistryAuth | undefined,
  signal: AbortSignal | undefined,
  fn: (client: RegistryClient) => Promise<T>,
): Promise<{ client: RegistryClient; value: T }> {
  let lastError: unknown;
  for (const endpoint of endpointsFor(deps.config, ref.domain, 'pull')) {
    // a mirror gets no credentials meant for Docker Hub
    const client = clientFor(deps, endpoint, ref.path, endpoint.mirror ? undefined : auth, 'pull', signal);
    try {
      await client.ping();
      return { client, value: await fn(client) };
    } catch (err) {
      lastError = err;
      if (!endpoint.mirror || signal?.aborted) break;
    }
  }
  if (
    lastError instanceof EngineError &&
    lastError.code === 'not_found' &&
    /manifest/.test(lastError.message)
  ) {
    // Docker's words: `manifest for x:nope not found: manifest unknown: …`
    const detail = lastError.message.replace(/^manifest for \S+: /, '');
    throw new EngineError('not_found', `manifest for ${familiarReference(ref)} not found: ${detail}`, {
      cause: lastError,
    });
  }
  throw lastError;
}

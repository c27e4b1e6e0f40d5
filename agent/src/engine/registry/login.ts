import { EngineError } from '../errors.ts';
import { DEFAULT_DOMAIN } from '../images/reference.ts';
import type { RegistryAuth } from './credentials.ts';
import { endpointsFor } from './registry-config.ts';
import { clientFor, type RegistryDeps } from './registry-deps.ts';

/**
 * Docker's `serveraddress` as the credential key: `https://index.docker.io/v1/`,
 * `registry-1.docker.io` and empty all mean Docker Hub; a scheme or path is dropped.
 */
export function registryHostOf(serverAddress: string | undefined): string {
  const raw = (serverAddress ?? '').trim();
  if (raw === '') return DEFAULT_DOMAIN;
  const host = raw.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (['index.docker.io', 'registry-1.docker.io', 'docker.io'].includes(host)) return DEFAULT_DOMAIN;
  if (!/^[a-zA-Z0-9.-]+(?::\d+)?$|^\[[0-9a-fA-F:]+\](?::\d+)?$/.test(host))
    throw new EngineError('invalid', `invalid registry address ${JSON.stringify(serverAddress)}`);
  return host;
}

/**
 * `docker login`: checks the credentials against the registry (its /v2/
 * answered with them: basic accepted, or a token issued), then stores them
 * for later pulls and pushes. Nothing is stored if the registry refuses.
 */
export async function login(
  deps: RegistryDeps,
  serverAddress: string,
  username: string,
  password: string,
): Promise<{ Status: 'Login Succeeded'; IdentityToken: '' }> {
  const host = registryHostOf(serverAddress);
  if (username === '' || password === '')
    throw new EngineError('invalid', 'login needs a username and a password');
  const auth: RegistryAuth = { username, password };
  const endpoint = endpointsFor(deps.config, host, 'push')[0];
  if (!endpoint) throw new EngineError('internal', `no endpoint for ${host}`);
  // a throwaway scope: the token endpoint must accept the user, not grant any repository
  const client = clientFor(deps, endpoint, 'berth-login-check', auth, 'pull', undefined);
  try {
    await client.verifyLogin();
  } catch (err) {
    if (err instanceof EngineError && err.code === 'unauthorized') {
      // the registry's own words (basic auth: `authentication required`; a token server: its refusal)
      const reason = err.message.includes('incorrect username or password')
        ? err.message
        : `unauthorized: incorrect username or password (${err.message})`;
      throw new EngineError('unauthorized', `login to ${host} failed: ${reason}`, { cause: err });
    }
    throw err;
  }
  await deps.credentials.set(host, auth);
  return { Status: 'Login Succeeded', IdentityToken: '' };
}

/** `docker logout`: forgets the stored credentials (not an error when there were none, as in Docker). */
export async function logout(deps: RegistryDeps, serverAddress: string): Promise<{ removed: boolean }> {
  return { removed: await deps.credentials.remove(registryHostOf(serverAddress)) };
}

import type { ContentStore } from '../content/content-store.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { Snapshotter } from '../snapshots/snapshotter.ts';
import type { Authorizer } from './authorizer.ts';
import type { CredentialStore } from './credential-store.ts';
import type { RegistryAuth } from './credentials.ts';
import type { HttpTransport } from './http-transport.ts';
import { RegistryClient } from './registry-client.ts';
import type { Endpoint, RegistryConfig } from './registry-config.ts';

/** What pull, push and login share: the stores and one transport, authorizer and credential file. */
export interface RegistryDeps {
  content: ContentStore;
  snapshotter: Snapshotter;
  images: ImageStore;
  config: RegistryConfig;
  transport: HttpTransport;
  authorizer: Authorizer;
  credentials: CredentialStore;
}

export function clientFor(
  deps: RegistryDeps,
  endpoint: Endpoint,
  repository: string,
  auth: RegistryAuth | undefined,
  actions: 'pull' | 'pull,push',
  signal: AbortSignal | undefined,
): RegistryClient {
  return new RegistryClient(
    { transport: deps.transport, authorizer: deps.authorizer, retry: retryOf(deps.config) },
    endpoint,
    repository,
    auth,
    actions,
    signal,
  );
}

export function retryOf(config: RegistryConfig): { attempts: number; backoffMs: number } {
  return { attempts: config.attempts, backoffMs: config.backoffMs };
}

/** Explicit credentials win; otherwise those `login` stored for the registry. */
export async function authFor(
  deps: RegistryDeps,
  host: string,
  explicit: RegistryAuth | undefined,
): Promise<RegistryAuth | undefined> {
  return explicit ?? (await deps.credentials.get(host));
}

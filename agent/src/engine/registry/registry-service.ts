import { join } from 'node:path';
import type { ContentStore } from '../content/content-store.ts';
import { type EventSource, TypedEmitter } from '../images/image-events.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { Snapshotter } from '../snapshots/snapshotter.ts';
import { Authorizer } from './authorizer.ts';
import { CredentialStore } from './credential-store.ts';
import type { RegistryAuth } from './credentials.ts';
import { type DistributionInspect, inspectDistribution } from './distribution-inspect.ts';
import { HttpTransport } from './http-transport.ts';
import { login, logout } from './login.ts';
import type { ProgressEvent, ProgressListener } from './progress.ts';
import { type PullOptions, type PullResult, pull } from './pull.ts';
import { pullAllTags } from './pull-all-tags.ts';
import { type PushOptions, type PushResult, push } from './push.ts';
import { readCaFiles } from './registry-ca.ts';
import { isInsecureHost, RegistryConfig, type RegistryConfigInput } from './registry-config.ts';
import type { RegistryDeps } from './registry-deps.ts';
import { accessDenied } from './registry-errors.ts';
import { type SearchRequest, type SearchResult, searchRegistry } from './search.ts';

export interface RegistryServiceOptions {
  content: ContentStore;
  snapshotter: Snapshotter;
  images: ImageStore;
  /** the agent's own dir (DataLayout.agent): registry-auth.json lives there */
  agentDir: string;
  config?: RegistryConfigInput;
}

/**
 * One step of a pull or push in progress, for subscribers beyond the caller
 * (the control-plane link shows per-layer bars of pulls it did not start).
 */
export interface TransferProgress {
  action: 'pull' | 'push';
  /** the reference as the caller gave it */
  reference: string;
  event: ProgressEvent;
}

/**
 * The engine's registry front: pull, push, login, logout. One per engine;
 * its transport keeps connections alive across calls, so close() it at shutdown.
 */
export interface RegistryService {
  pull(ref: string, options?: PullOptions): Promise<PullResult>;
  /** every tag the registry lists for an untagged repository (docker pull --all-tags) */
  pullAllTags(repository: string, options?: PullOptions): Promise<PullResult[]>;
  push(ref: string, options?: PushOptions): Promise<PushResult>;
  /** what a reference names in its registry (digest, platforms), without pulling it */
  inspect(ref: string, options?: { auth?: RegistryAuth; signal?: AbortSignal }): Promise<DistributionInspect>;
  login(
    serverAddress: string,
    username: string,
    password: string,
  ): Promise<{ Status: 'Login Succeeded'; IdentityToken: '' }>;
  logout(serverAddress: string): Promise<{ removed: boolean }>;
  /** docker search: the registry's v1 search API */
  search(request: SearchRequest, signal?: AbortSignal): Promise<SearchResult[]>;
  /** every pull's and push's progress events, whoever started them */
  readonly progress: EventSource<TransferProgress>;
  close(): void;
}

export function createRegistryService(options: RegistryServiceOptions): RegistryService {
  const config = RegistryConfig.parse(options.config ?? {});
  const transport = new HttpTransport({
    idleTimeoutMs: config.idleTimeoutMs,
    tlsFor: (host) => ({ ca: readCaFiles(config, host), insecure: config.insecureRegistries.includes(host) }),
    plainAllowed: (host) =>
      isInsecureHost(config, host) || config.mirrors.some((m) => new URL(m).host === host),
  });
  const deps: RegistryDeps = {
    content: options.content,
    snapshotter: options.snapshotter,
    images: options.images,
    config,
    transport,
    authorizer: new Authorizer(transport, { attempts: config.attempts, backoffMs: config.backoffMs }),
    credentials: new CredentialStore(join(options.agentDir, 'registry-auth.json')),
  };
  const progress = new TypedEmitter<TransferProgress>();
  const reporting = (action: 'pull' | 'push', reference: string, own?: ProgressListener) => {
    return (event: ProgressEvent) => {
      own?.(event);
      progress.emit({ action, reference, event });
    };
  };
  return {
    pull: (ref, o = {}) =>
      pull(deps, ref, { ...o, onProgress: reporting('pull', ref, o.onProgress) }).catch((err) => {
        throw accessDenied(err, 'pull', ref);
      }),
    pullAllTags: (repository, o = {}) =>
      pullAllTags(deps, repository, { ...o, onProgress: reporting('pull', repository, o.onProgress) }).catch(
        (err) => {
          throw accessDenied(err, 'pull', repository);
        },
      ),
    push: (ref, o = {}) =>
      push(deps, ref, { ...o, onProgress: reporting('push', ref, o.onProgress) }).catch((err) => {
        throw accessDenied(err, 'push', ref);
      }),
    inspect: (ref, o) =>
      inspectDistribution(deps, ref, o).catch((err) => {
        throw accessDenied(err, 'pull', ref);
      }),
    progress,
    login: (server, user, password) => login(deps, server, user, password),
    logout: (server) => logout(deps, server),
    search: (request, signal) => searchRegistry(transport, config, request, signal),
    close: () => transport.close(),
  };
}

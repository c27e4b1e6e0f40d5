/**
 * The one question every host-scoped procedure asks before acting: may this caller do this
 * kind of thing on this host? Routers call `requireHostAccess` in their procedure builder;
 * services never decide access themselves. Cross-host lists filter by `listVisibleHostIds`.
 *
 * The answer: a global admin may do everything everywhere. Anyone else gets the union, over
 * every host group containing the host, of the grants to the user and to the user's teams: each
 * grant gives its role's capabilities plus its `add`, minus its `remove`. A call made with an
 * API token is further capped by the token's scope (a token never exceeds its owner).
 */
import type { ApiTokenScope, Role } from '@berth/db';
import { ServiceError } from '../errors.ts';

/** What a caller can be allowed to do on a host, from least to most powerful. */
export const HOST_CAPABILITIES = ['view', 'inspect', 'logs', 'terminal', 'run', 'manage'] as const;
export type HostCapability = (typeof HOST_CAPABILITIES)[number];

export const ROLE_CAPABILITIES: Record<Role, readonly HostCapability[]> = {
  viewer: ['view', 'inspect', 'logs'],
  operator: ['view', 'inspect', 'logs', 'terminal', 'run'],
  admin: HOST_CAPABILITIES,
};

/** The most an API token of each scope may do on a host. */
const SCOPE_CAPABILITIES: Record<ApiTokenScope, readonly HostCapability[]> = {
  read: ROLE_CAPABILITIES.viewer,
  write: ROLE_CAPABILITIES.operator,
  admin: HOST_CAPABILITIES,
};

/** Where a caller's grants come from; built per request by `access/grant-lookup.ts`. */
export interface HostAccessSource {
  /** Capabilities from grants on this host (global role and token scope not applied). */
  grantedOn(hostId: string): Promise<ReadonlySet<HostCapability>>;
  /** Capabilities from grants on every host where they give any. */
  grantedByHost(): Promise<Map<string, ReadonlySet<HostCapability>>>;
  /** Every host id (global admins see all). */
  allHostIds(): Promise<string[]>;
}

export interface AccessCaller {
  id: string;
  username: string;
  role: Role;
  /** Set when the call came with an API token. */
  tokenScope?: ApiTokenScope | undefined;
  /**
   * Absent (e.g. a caller built by hand): only global admins pass `requireHostAccess`, and
   * `listVisibleHostIds` has nothing to list from.
   */
  access?: HostAccessSource | undefined;
}

/** Grants capped by the token scope, if the call came with a token. */
function capped(caller: AccessCaller, granted: ReadonlySet<HostCapability>): Set<HostCapability> {
  const cap = caller.tokenScope ? SCOPE_CAPABILITIES[caller.tokenScope] : HOST_CAPABILITIES;
  return new Set(cap.filter((c) => granted.has(c)));
}

/** What the caller may do on this host, after role, grants and token scope. */
async function hostCapabilitiesOf(caller: AccessCaller, hostId: string): Promise<Set<HostCapability>> {
  if (caller.role === 'admin') return capped(caller, new Set(HOST_CAPABILITIES));
  return capped(caller, (await caller.access?.grantedOn(hostId)) ?? new Set());
}

export async function requireHostAccess(
  caller: AccessCaller,
  hostId: string,
  capability: HostCapability,
): Promise<void> {
  if ((await hostCapabilitiesOf(caller, hostId)).has(capability)) return;
  if (caller.tokenScope && !SCOPE_CAPABILITIES[caller.tokenScope].includes(capability)) {
    throw new ServiceError(
      'forbidden',
      `this API token's scope (${caller.tokenScope}) does not allow ${capability}`,
    );
  }
  throw new ServiceError('forbidden', `you have no ${capability} right on host ${hostId}`);
}

/**
 * Host ids the caller may at least `view`: cross-host lists (containers, images, …) filter by
 * these, e.g. `where: { hostId: { in: await listVisibleHostIds(ctx.user) } }`.
 */
export async function listVisibleHostIds(caller: AccessCaller): Promise<string[]> {
  if (caller.role === 'admin') return (await caller.access?.allHostIds()) ?? [];
  const byHost = (await caller.access?.grantedByHost()) ?? new Map();
  return [...byHost].filter(([, granted]) => capped(caller, granted).has('view')).map(([id]) => id);
}

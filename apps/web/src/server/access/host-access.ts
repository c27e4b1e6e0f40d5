/**
 * The one question every host-scoped procedure asks before acting: may this caller do this
 * kind of thing on this host? Routers call `requireHostAccess` in their procedure builder;
 * services never decide access themselves.
 *
 * Today the answer comes from the caller's global role. Issue 7 refines it into per-host-group
 * grants with per-capability exceptions, behind this same signature.
 */
import type { Role } from '@berth/db';
import { ServiceError } from '../errors.ts';

/** What a caller can be allowed to do on a host, from least to most powerful. */
export const HOST_CAPABILITIES = ['view', 'inspect', 'logs', 'terminal', 'run', 'manage'] as const;
export type HostCapability = (typeof HOST_CAPABILITIES)[number];

const ROLE_CAPABILITIES: Record<Role, readonly HostCapability[]> = {
  viewer: ['view', 'inspect', 'logs'],
  operator: ['view', 'inspect', 'logs', 'terminal', 'run'],
  admin: HOST_CAPABILITIES,
};

export interface AccessCaller {
  id: string;
  username: string;
  role: Role;
}

export async function requireHostAccess(
  caller: AccessCaller,
  _hostId: string,
  capability: HostCapability,
): Promise<void> {
  if (!ROLE_CAPABILITIES[caller.role].includes(capability)) {
    throw new ServiceError(
      'forbidden',
      `your role (${caller.role}) does not allow ${capability} on this host`,
    );
  }
}

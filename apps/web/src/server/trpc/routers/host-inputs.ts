import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import type { SessionUser } from '../../auth/sessions.ts';

export const HostRef = z.object({ hostId: z.string().min(1).max(100) });
export const ContainerRef = HostRef.extend({ id: z.string().min(1).max(256) });
export const Empty = z.object({});

/** For lists across hosts: whether the caller may see a host at all. */
export function viewable(user: SessionUser): (hostId: string) => Promise<boolean> {
  return (hostId) =>
    requireHostAccess(user, hostId, 'view').then(
      () => true,
      () => false,
    );
}

/**
 * A caller's grants, read once per request and answered from memory: which capabilities the
 * grants to the user and to the user's teams give on a host, over every group containing it.
 */
import type { Capability, Db, Role } from '@berth/db';
import { type HostAccessSource, type HostCapability, ROLE_CAPABILITIES } from './host-access.ts';
import { type Labels, labelsMatch, labelsOf } from './labels.ts';

interface LoadedGrant {
  role: Role;
  add: Capability[];
  remove: Capability[];
  hostGroup: { matchLabels: unknown; hosts: { hostId: string }[] };
}

function capabilitiesOfGrant(grant: LoadedGrant): HostCapability[] {
  const caps = new Set<HostCapability>([...ROLE_CAPABILITIES[grant.role], ...grant.add]);
  for (const c of grant.remove) caps.delete(c);
  return [...caps];
}

function groupContains(grant: LoadedGrant, hostId: string, labels: Labels): boolean {
  const group = grant.hostGroup;
  if (group.hosts.some((h) => h.hostId === hostId)) return true;
  const match = labelsOf(group.matchLabels);
  return Object.keys(match).length > 0 && labelsMatch(labels, match);
}

export function createHostAccessSource(db: Db, userId: string): HostAccessSource {
  let grants: Promise<LoadedGrant[]> | undefined;
  const loadGrants = () =>
    (grants ??= db.grant.findMany({
      where: { OR: [{ userId }, { team: { members: { some: { userId } } } }] },
      select: {
        role: true,
        add: true,
        remove: true,
        hostGroup: { select: { matchLabels: true, hosts: { select: { hostId: true } } } },
      },
    }));
  const capabilitiesOn = (all: LoadedGrant[], hostId: string, labels: Labels) => {
    const caps = new Set<HostCapability>();
    for (const grant of all) {
      if (groupContains(grant, hostId, labels)) for (const c of capabilitiesOfGrant(grant)) caps.add(c);
    }
    return caps;
  };
  return {
    async grantedOn(hostId) {
      const all = await loadGrants();
      if (all.length === 0) return new Set();
      const host = await db.host.findUnique({ where: { id: hostId }, select: { labels: true } });
      if (!host) return new Set();
      return capabilitiesOn(all, hostId, labelsOf(host.labels));
    },
    async grantedByHost() {
      const byHost = new Map<string, ReadonlySet<HostCapability>>();
      const all = await loadGrants();
      if (all.length === 0) return byHost;
      for (const host of await db.host.findMany({ select: { id: true, labels: true } })) {
        const caps = capabilitiesOn(all, host.id, labelsOf(host.labels));
        if (caps.size > 0) byHost.set(host.id, caps);
      }
      return byHost;
    },
    async allHostIds() {
      return (await db.host.findMany({ select: { id: true } })).map((h) => h.id);
    },
  };
}

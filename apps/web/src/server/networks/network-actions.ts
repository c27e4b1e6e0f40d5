/** Network changes on a host, through its agent; each one audited. */
import type { NetworkCreateInput } from '@berth/protocol';
import { type Actor, audited } from '../audit/audited.ts';
import type { Deps } from '../deps.ts';

type D = Pick<Deps, 'db' | 'gateway'>;

export async function createNetwork(deps: D, actor: Actor, input: { hostId: string } & NetworkCreateInput) {
  const { hostId, ...network } = input;
  return await audited(
    deps.db,
    {
      actor,
      action: 'network.create',
      hostId,
      target: network.name,
      detail: { subnet: network.subnet ?? null },
    },
    () => deps.gateway.call(hostId, 'networks.create', network),
  );
}

export async function removeNetwork(deps: D, actor: Actor, input: { hostId: string; ref: string }) {
  const { hostId, ref } = input;
  await audited(deps.db, { actor, action: 'network.remove', hostId, target: ref }, () =>
    deps.gateway.call(hostId, 'networks.remove', { ref }),
  );
}

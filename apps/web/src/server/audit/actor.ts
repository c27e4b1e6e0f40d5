/** The audit-log fields naming a user as the actor. */
import type { AccessCaller } from '../access/host-access.ts';

export function userActor(caller: Pick<AccessCaller, 'id' | 'username'>) {
  return { actorKind: 'user' as const, actor: caller.username, actorUserId: caller.id };
}

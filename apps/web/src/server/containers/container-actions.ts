/** Container changes on one host through its link, each recorded in the audit log. */
import type { CallInput, RunContainerInput } from '@berth/protocol';
import { type Actor, audited } from '../audit/audited.ts';
import type { Deps } from '../deps.ts';

type D = Pick<Deps, 'db' | 'gateway'>;

export const CONTAINER_ACTIONS = ['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'remove'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

export async function runContainer(
  deps: D,
  actor: Actor,
  hostId: string,
  input: RunContainerInput,
): Promise<{ id: string; name: string }> {
  return await audited(
    deps.db,
    {
      actor,
      action: 'container.run',
      hostId,
      target: input.name ?? input.image,
      detail: { image: input.image },
    },
    () => deps.gateway.call(hostId, 'containers.run', input, { timeoutMs: 120_000 }),
  );
}

export async function actOnContainer(
  deps: D,
  actor: Actor,
  input: { hostId: string; id: string; action: ContainerAction; force?: boolean },
): Promise<void> {
  const { hostId, id, action } = input;
  await audited(deps.db, { actor, action: `container.${action}`, hostId, target: id }, async () => {
    const ref: CallInput<'containers.start'> = { id };
    // stop and restart wait for the container's stop timeout (10 s by default) before SIGKILL
    const slow = { timeoutMs: 60_000 };
    switch (action) {
      case 'remove':
        return void (await deps.gateway.call(
          hostId,
          'containers.remove',
          { id, force: input.force ?? false },
          slow,
        ));
      case 'stop':
      case 'restart':
      case 'kill':
      case 'start':
      case 'pause':
      case 'unpause':
        return void (await deps.gateway.call(hostId, `containers.${action}`, ref, slow));
      default: {
        const unreachable: never = action;
        throw new Error(`unknown action ${unreachable}`);
      }
    }
  });
}

export interface BulkOutcome {
  hostId: string;
  id: string;
  ok: boolean;
  error?: string;
}

/** One action on many containers across hosts, all at once; each outcome is reported (and audited). */
export async function actOnContainers(
  deps: D,
  actor: Actor,
  input: { action: ContainerAction; targets: { hostId: string; id: string }[]; force?: boolean },
): Promise<BulkOutcome[]> {
  return await Promise.all(
    input.targets.map(async ({ hostId, id }) => {
      try {
        await actOnContainer(deps, actor, { hostId, id, action: input.action, force: input.force });
        return { hostId, id, ok: true };
      } catch (err) {
        return { hostId, id, ok: false, error: (err as Error).message };
      }
    }),
  );
}

export async function renameContainer(
  deps: D,
  actor: Actor,
  input: { hostId: string; id: string; name: string },
) {
  const { hostId, id, name } = input;
  await audited(deps.db, { actor, action: 'container.rename', hostId, target: id, detail: { name } }, () =>
    deps.gateway.call(hostId, 'containers.rename', { id, name }),
  );
}

export async function inspectContainer(deps: D, input: { hostId: string; id: string }) {
  return await deps.gateway.call(input.hostId, 'containers.inspect', { id: input.id });
}

export async function containerProcesses(deps: D, input: { hostId: string; id: string }) {
  return await deps.gateway.call(input.hostId, 'containers.top', { id: input.id });
}

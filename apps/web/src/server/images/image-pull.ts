/** `docker pull` on one host through its link: layer progress as it comes, the outcome audited. */
import type { PullImageInput, PullProgress, StreamResult } from '@berth/protocol';
import { type Actor, recordOutcome } from '../audit/audited.ts';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';

type D = Pick<Deps, 'db' | 'gateway'>;

export type PullEvent =
  | ({ kind: 'progress' } & PullProgress)
  | ({ kind: 'done' } & StreamResult<'images.pull'>);

/**
 * Yields each layer's steps, then the pulled image. A subscriber that leaves (its signal aborts,
 * or it stops reading) cancels the pull on the host, which keeps nothing half-recorded; that is
 * audited as a failure too.
 */
export async function* pullImage(
  deps: D,
  actor: Actor,
  input: { hostId: string } & PullImageInput,
  signal?: AbortSignal,
): AsyncGenerator<PullEvent> {
  const { hostId, ...pull } = input;
  const entry = {
    actor,
    action: 'image.pull',
    hostId,
    target: pull.reference,
    detail: pull.platform === undefined ? {} : { platform: pull.platform },
  };
  let failure: { error: unknown } | undefined = {
    error: new ServiceError('cancelled', 'the pull was cancelled'),
  };
  try {
    const stream = await deps.gateway.stream(hostId, 'images.pull', pull, { signal });
    for await (const e of stream) if (e.kind === 'item') yield { kind: 'progress', ...e.item };
    const result = await stream.result;
    failure = undefined;
    yield { kind: 'done', ...result };
  } catch (err) {
    failure = { error: err };
    throw err;
  } finally {
    await recordOutcome(deps.db, entry, failure);
  }
}

/** The whole pull at once (scripts, REST): the pulled image, or the error that stopped it. */
export async function pullImageToEnd(deps: D, actor: Actor, input: { hostId: string } & PullImageInput) {
  for await (const e of pullImage(deps, actor, input)) if (e.kind === 'done') return e;
  throw new ServiceError('internal', 'the pull ended without a result');
}

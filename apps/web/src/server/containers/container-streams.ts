/** Logs, stats and one-shot exec over host streams, shaped for tRPC subscriptions and scripts. */
import type { StreamInput } from '@berth/protocol';
import { z } from 'zod';
import { type Actor, audited } from '../audit/audited.ts';
import type { Deps } from '../deps.ts';

type D = Pick<Deps, 'db' | 'gateway'>;

export const LogChunk = z.object({ stream: z.enum(['stdout', 'stderr']), text: z.string() });

/** Log lines as they come; the subscriber's pace is the host's pace (credit flows as lines are taken). */
export async function* followLogs(
  deps: D,
  input: { hostId: string } & StreamInput<'containers.logs'>,
  signal: AbortSignal | undefined,
): AsyncGenerator<z.infer<typeof LogChunk>> {
  const { hostId, ...logs } = input;
  const stream = await deps.gateway.stream(hostId, 'containers.logs', logs, { signal });
  for await (const e of stream) if (e.kind !== 'item') yield { stream: e.kind, text: e.data.toString() };
  await stream.result;
}

export async function* followStats(
  deps: D,
  input: { hostId: string } & StreamInput<'containers.stats'>,
  signal: AbortSignal | undefined,
) {
  const { hostId, ...stats } = input;
  const stream = await deps.gateway.stream(hostId, 'containers.stats', stats, { signal });
  for await (const e of stream) if (e.kind === 'item') yield e.item;
  await stream.result;
}

const OUTPUT_LIMIT = 1024 * 1024;

/** Runs a command to completion and returns its output (the first MiB of each stream). */
export async function execOnce(
  deps: D,
  actor: Actor,
  input: { hostId: string; id: string; cmd: string[]; timeoutMs: number },
) {
  const { hostId, id, cmd } = input;
  return await audited(
    deps.db,
    { actor, action: 'container.exec', hostId, target: id, detail: { cmd } },
    async () => {
      const stream = await deps.gateway.stream(
        hostId,
        'containers.exec',
        { id, cmd, stdin: false },
        { signal: AbortSignal.timeout(input.timeoutMs) },
      );
      const out = { stdout: '', stderr: '', truncated: false };
      for await (const e of stream) {
        if (e.kind === 'item') continue;
        if (out[e.kind].length + e.data.length > OUTPUT_LIMIT) out.truncated = true;
        else out[e.kind] += e.data.toString();
      }
      return { ...(await stream.result), ...out };
    },
  );
}

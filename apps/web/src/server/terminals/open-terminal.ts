/**
 * Opening and closing terminal sessions: an exec with a TTY on the host (over its link), kept by
 * the control plane's TerminalSessions; both audited. The caller's terminal right on the host is
 * checked by the router before this runs.
 */
import { type Actor, audited } from '../audit/audited.ts';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';

type D = Pick<Deps, 'db' | 'gateway' | 'terminals'>;

export async function openTerminal(
  deps: D,
  actor: Actor,
  input: { hostId: string; id: string; cmd: string[]; cols: number; rows: number },
): Promise<{ sessionId: string }> {
  const { hostId, id, cmd, cols, rows } = input;
  return await audited(
    deps.db,
    { actor, action: 'terminal.open', hostId, target: id, detail: { cmd } },
    async () => {
      const stream = await deps.gateway.stream(hostId, 'containers.exec', {
        id,
        cmd,
        tty: true,
        stdin: true,
        cols,
        rows,
        env: ['TERM=xterm-256color'],
      });
      const session = deps.terminals.add({ hostId, containerId: id, ownerId: actor.id }, stream);
      return { sessionId: session.id };
    },
  );
}

/** The session, for a caller who passed the host check; unknown ids are not-found. */
export function terminalSession(deps: Pick<D, 'terminals'>, sessionId: string) {
  const session = deps.terminals.get(sessionId);
  if (!session) throw new ServiceError('not-found', 'no such terminal session (it ended)');
  return session;
}

export async function closeTerminal(deps: D, actor: Actor, sessionId: string): Promise<void> {
  const session = terminalSession(deps, sessionId);
  await audited(
    deps.db,
    { actor, action: 'terminal.close', hostId: session.hostId, target: session.containerId },
    () => session.close(),
  );
}

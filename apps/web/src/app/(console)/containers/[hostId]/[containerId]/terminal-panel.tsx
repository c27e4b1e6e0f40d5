'use client';

import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { TerminalView } from '../../../../terminal/terminal-view.tsx';
import { trpcTerminalLink } from '../../../../terminal/trpc-terminal-link.ts';
import { useTRPC, useTRPCClient } from '../../../../trpc.tsx';
import { ConfirmButton } from '../../../../ui/confirm-button.tsx';
import { withParam } from './container-tabs.ts';
import type { ContainerPanelProps } from './panel-props.ts';

/**
 * A shell in the container. The session lives on the control plane, not in this page: its id is
 * kept in the URL (?session=), so a reload, a second tab or a dropped connection attaches to the
 * same shell and gets its output replayed. "End session" ends the process.
 */
export function TerminalPanel({ hostId, containerId, running }: ContainerPanelProps) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [ended, setEnded] = useState(false);
  useEffect(() => setSessionId(new URLSearchParams(window.location.search).get('session')), []);
  const remember = (id: string | null) => {
    setSessionId(id);
    window.history.replaceState(null, '', withParam(window.location.href, 'session', id));
  };
  const open = useMutation(
    trpc.terminals.open.mutationOptions({
      onSuccess: ({ id }) => {
        setEnded(false);
        remember(id);
      },
    }),
  );
  const close = useMutation(trpc.terminals.close.mutationOptions({ onSuccess: () => remember(null) }));
  const link = useMemo(() => (sessionId ? trpcTerminalLink(client, sessionId) : null), [client, sessionId]);
  const onEnded = useCallback(() => setEnded(true), []);

  if (!running && !sessionId)
    return <div className="panel state">Start the container to open a shell in it.</div>;
  return (
    <div>
      <div className="toolbar">
        <button
          type="button"
          className="button primary"
          disabled={open.isPending || !running}
          onClick={() => open.mutate({ hostId, id: containerId, cmd: ['/bin/sh'], cols: 80, rows: 24 })}
        >
          {sessionId ? 'New shell' : 'Open a shell'}
        </button>
        {sessionId && !ended ? (
          <ConfirmButton
            label="End session"
            title="End this terminal session?"
            confirmLabel="End session"
            onConfirm={() => close.mutate({ sessionId })}
          >
            The shell and whatever runs in it are killed, for every viewer.
          </ConfirmButton>
        ) : null}
        {open.error || close.error ? (
          <span className="field-error" role="alert">
            {(open.error ?? close.error)?.message}
          </span>
        ) : null}
      </div>
      {link ? <TerminalView key={sessionId} link={link} onEnded={onEnded} /> : null}
    </div>
  );
}

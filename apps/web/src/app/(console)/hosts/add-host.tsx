'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../trpc.tsx';
import { FormError } from '../../ui/query-state.tsx';
import { AddHostOverSsh } from './add-host-ssh.tsx';

type Tab = 'token' | 'ssh';

/**
 * Admins add a host either with a one-time join token and the command that uses it, or over SSH
 * (the control plane logs in, installs the agent and waits for it to join).
 */
export function AddHost() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const create = useMutation(trpc.hosts.createJoinToken.mutationOptions());
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<Tab>('token');
  if (me.data?.role !== 'admin') return null;

  const command = create.data
    ? `npm run agent -- --control-plane ${window.location.origin} --join-token ${create.data.token}`
    : '';
  const close = () => {
    create.reset();
    setOpen(false);
  };
  return (
    <div className="add-host">
      <button
        type="button"
        className="button primary"
        onClick={() => {
          setOpen(true);
          setTab('token');
          create.mutate({});
        }}
        disabled={create.isPending}
      >
        {create.data && open && tab === 'token' ? 'New join token' : 'Add host'}
      </button>
      {open ? (
        <div className="join-box">
          <div className="tabs" role="tablist">
            {(
              [
                ['token', 'Join token'],
                ['ssh', 'Over SSH'],
              ] as const
            ).map(([id, label]) => (
              <button
                key={id}
                type="button"
                role="tab"
                aria-selected={tab === id}
                className={`tab${tab === id ? ' selected' : ''}`}
                onClick={() => setTab(id)}
              >
                {label}
              </button>
            ))}
          </div>
          {tab === 'ssh' ? <AddHostOverSsh onDone={close} /> : null}
          {tab === 'token' ? <FormError error={create.error} /> : null}
          {tab === 'token' && create.data ? (
            <div data-testid="join-command">
              <p>
                On the new host, in a Berth checkout, run (the token works once, until{' '}
                {new Date(create.data.expiresAt).toLocaleTimeString()}):
              </p>
              <code>{command}</code>
              <div className="join-actions">
                <button
                  type="button"
                  className="button"
                  onClick={() => navigator.clipboard?.writeText(command).catch(() => {})}
                >
                  Copy
                </button>
                <button type="button" className="button" onClick={close}>
                  Done
                </button>
              </div>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

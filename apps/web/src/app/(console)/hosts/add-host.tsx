'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.tsx';
import { FormError } from '../../ui/query-state.tsx';

/** Admins create a one-time join token and get the command that joins a host with it. */
export function AddHost() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const create = useMutation(trpc.hosts.createJoinToken.mutationOptions());
  if (me.data?.role !== 'admin') return null;

  const command = create.data
    ? `npm run agent -- --control-plane ${window.location.origin} --join-token ${create.data.token}`
    : '';
  return (
    <div className="add-host">
      <button
        type="button"
        className="button primary"
        onClick={() => create.mutate({})}
        disabled={create.isPending}
      >
        {create.data ? 'New join token' : 'Add host'}
      </button>
      <FormError error={create.error} />
      {create.data ? (
        <div className="join-box" data-testid="join-command">
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
            <button type="button" className="button" onClick={() => create.reset()}>
              Done
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

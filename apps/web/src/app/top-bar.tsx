'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc.tsx';

export function TopBar() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => window.location.assign('/login'),
    }),
  );
  return (
    <header className="topbar">
      <div className="left">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            B
          </span>
          Berth
        </div>
        <nav>
          <a href="/">Hosts</a>
        </nav>
      </div>
      {me.data ? (
        <div className="user">
          <a href="/account" className="user-link" data-testid="current-user" title="Account settings">
            {me.data.username} ({me.data.role})
          </a>
          <button
            type="button"
            className="button"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
          >
            Log out
          </button>
        </div>
      ) : null}
    </header>
  );
}

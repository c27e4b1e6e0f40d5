'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { usePathname } from 'next/navigation.js';
import type { ReactNode } from 'react';
import { useTRPC } from '../trpc.tsx';
import { isActive, NAV_ITEMS } from './nav-items.ts';
import { ThemeToggle } from './theme-toggle.tsx';

/** Sidebar navigation, the user's account and the theme toggle around every console page. */
export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const pathname = usePathname();
  const me = useQuery(trpc.auth.me.queryOptions());
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({ onSuccess: () => window.location.assign('/login') }),
  );
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden>
            B
          </span>
          Berth
        </div>
        <nav aria-label="Sections">
          <ul>
            {NAV_ITEMS.map((item) => {
              const active = isActive(item.href, pathname);
              return (
                <li key={item.href}>
                  <a
                    href={item.href}
                    aria-current={active ? 'page' : undefined}
                    className={active ? 'active' : ''}
                  >
                    {item.label}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <ThemeToggle />
          {me.data ? (
            <>
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
            </>
          ) : null}
        </div>
      </aside>
      <div className="content" id="main">
        {children}
      </div>
    </div>
  );
}

'use client';

import { TRPCClientError } from '@trpc/client';
import { type ReactNode, useEffect } from 'react';

type QueryLike<T> = {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
};

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED';
}

/** An expired session sends the browser to the login page (the page gate only runs on navigation). */
export function useLoginRedirect(error: unknown): void {
  const unauthorized = isUnauthorized(error);
  useEffect(() => {
    if (unauthorized) window.location.assign('/login');
  }, [unauthorized]);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function ErrorBanner({ what, error, retry }: { what: string; error: unknown; retry?: () => unknown }) {
  return (
    <div className="error-banner" role="alert">
      <span>
        Could not load {what}: {errorMessage(error)}
      </span>
      {retry ? (
        <button type="button" className="button" onClick={() => retry()}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function Skeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="panel skeleton-panel" role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, row) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders without identity
        <div key={row} className="skeleton-row">
          <div className="skeleton" style={{ width: '30%' }} />
          <div className="skeleton" style={{ width: '50%' }} />
        </div>
      ))}
    </div>
  );
}

/** Every list's four states: loading, error (with retry), empty, and the data. */
export function QueryState<T>({
  query,
  what,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<T>;
  what: string;
  isEmpty: (data: T) => boolean;
  empty: ReactNode;
  children: (data: T) => ReactNode;
}) {
  useLoginRedirect(query.error);
  if (query.error) return <ErrorBanner what={what} error={query.error} retry={query.refetch} />;
  if (query.isPending || query.data === undefined) return <Skeleton />;
  if (isEmpty(query.data))
    return (
      <div className="panel state" data-testid="empty-state">
        {empty}
      </div>
    );
  return <>{children(query.data)}</>;
}

/** A failed change's message (an Error, or a plain message), or nothing. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      {typeof error === 'string' ? error : errorMessage(error)}
    </div>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useEffect, useState } from 'react';
import { AddHost } from './add-host.tsx';
import { formatAgo, formatBytes } from './format.ts';
import { useTRPC } from './trpc.tsx';

/** Hosts change on their own (agents come and go), so the list polls. */
const REFRESH_MS = 5000;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function LoadingRows() {
  return (
    <tbody aria-busy="true">
      {[0, 1, 2].map((row) => (
        <tr key={row}>
          {[140, 70, 160, 120, 30, 60, 80].map((width) => (
            <td key={width}>
              <div className="skeleton" style={{ width }} />
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}

export function HostsView() {
  const trpc = useTRPC();
  const hosts = useQuery(trpc.hosts.list.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  const now = useNow(1000);

  const unauthorized = hosts.error instanceof TRPCClientError && hosts.error.data?.code === 'UNAUTHORIZED';
  useEffect(() => {
    if (unauthorized) window.location.assign('/login');
  }, [unauthorized]);

  const online = hosts.data?.filter((h) => h.status === 'online').length ?? 0;

  return (
    <main className="page">
      <div className="page-head">
        <h1>Hosts</h1>
        <div className="page-actions">
          {hosts.data ? (
            <span className="summary" data-testid="hosts-summary">
              {hosts.data.length} {hosts.data.length === 1 ? 'host' : 'hosts'} · {online} online
            </span>
          ) : null}
          <AddHost />
        </div>
      </div>

      {hosts.isError && !unauthorized ? (
        <div className="error-banner" role="alert">
          <span>Could not load the hosts: {hosts.error.message}</span>
          <button type="button" className="button" onClick={() => hosts.refetch()}>
            Retry
          </button>
        </div>
      ) : hosts.data?.length === 0 ? (
        <div className="panel state" data-testid="hosts-empty">
          <h2>No hosts yet</h2>
          <p>Add a host: create a join token and run the agent with it on that host.</p>
        </div>
      ) : (
        <div className="panel">
          <table className="hosts">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Operating system</th>
                <th>Kernel</th>
                <th className="num">CPUs</th>
                <th className="num">Memory</th>
                <th>Last seen</th>
              </tr>
            </thead>
            {hosts.isPending ? (
              <LoadingRows />
            ) : (
              <tbody>
                {hosts.data?.map((host) => (
                  <tr key={host.id} data-testid="host-row" data-host-id={host.id}>
                    <td>
                      <div className="host-name">{host.name}</div>
                      <div className="sub">
                        {host.arch} · agent {host.agentVersion}
                      </div>
                    </td>
                    <td>
                      <span className={`status ${host.status}`} data-testid="host-status">
                        {host.status === 'online' ? 'Online' : 'Offline'}
                      </span>
                    </td>
                    <td>{host.os}</td>
                    <td className="mono" data-testid="host-kernel">
                      {host.kernel}
                    </td>
                    <td className="num" data-testid="host-cpus">
                      {host.cpus}
                    </td>
                    <td className="num" data-testid="host-memory">
                      {formatBytes(host.memoryBytes)}
                    </td>
                    <td title={host.lastSeenAt ?? undefined}>{formatAgo(host.lastSeenAt, now)}</td>
                  </tr>
                ))}
              </tbody>
            )}
          </table>
        </div>
      )}
    </main>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { formatAgo, formatBytes } from '../../format.ts';
import { useTRPC } from '../../trpc.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { LabelBadges } from '../../ui/label-badges.tsx';
import { QueryState } from '../../ui/query-state.tsx';
import { useNow } from '../../ui/use-now.ts';
import { AddHost } from './add-host.tsx';
import { HostActions } from './host-actions.tsx';

/** Hosts change on their own (agents come and go), so the list polls. */
export const HOSTS_REFRESH_MS = 5000;

export function HostsView() {
  const trpc = useTRPC();
  const hosts = useQuery(trpc.hosts.list.queryOptions(undefined, { refetchInterval: HOSTS_REFRESH_MS }));
  const now = useNow(1000);
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
      <QueryState
        query={hosts}
        what="the hosts"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No hosts yet</h2>
            <p>Add a host: create a join token and run the agent with it on that host.</p>
          </>
        }
      >
        {(list) => (
          <DataTable
            label="Hosts"
            columns={[
              'Name',
              'Status',
              'Operating system',
              'Kernel',
              { label: 'CPUs', className: 'num' },
              { label: 'Memory', className: 'num' },
              'Last seen',
              'Labels',
              'Actions',
            ]}
          >
            {list.map((host) => (
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
                <td data-testid="host-labels">
                  <LabelBadges labels={host.labels} />
                </td>
                <td>
                  <HostActions host={host} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
    </main>
  );
}

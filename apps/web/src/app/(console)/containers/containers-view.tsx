'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatAgo, formatBytes } from '../../format.ts';

const USE_REFRESH_MS = 5000;

import { useTRPC } from '../../trpc.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { LabelBadges } from '../../ui/label-badges.tsx';
import { errorMessage, QueryState } from '../../ui/query-state.tsx';
import { useLiveHostState } from '../../ui/use-live-host-state.ts';
import { useNow } from '../../ui/use-now.ts';
import { type BulkAction, BulkActions } from './bulk-actions.tsx';
import { ContainerStatusBadge } from './container-status.tsx';
import { ContainersToolbar, type ListFilter, NO_FILTER, withLabel } from './containers-toolbar.tsx';
import { PublishedPorts } from './published-ports.tsx';
import { RunDialog } from './run-dialog.tsx';

const keyOf = (row: { hostId: string; id: string }) => `${row.hostId}/${row.id}`;

/** Every container on every host the user may see, as one list. */
export function ContainersView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(5000);
  const [filter, setFilter] = useState<ListFilter>(NO_FILTER);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [running, setRunning] = useState(false);
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const containers = useQuery(
    // CPU and memory come with the hosts' reports (every 10 s), not as state changes: poll for them
    trpc.containers.list.queryOptions(filter.server, {
      placeholderData: keepPreviousData,
      refetchInterval: USE_REFRESH_MS,
    }),
  );
  useLiveHostState();
  const bulk = useMutation(
    trpc.containers.bulk.mutationOptions({
      onSettled: () => {
        setSelected(new Set());
        return queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
      },
    }),
  );
  const rows = containers.data ? withLabel(containers.data, filter.label) : undefined;
  const act = (action: BulkAction) => {
    const targets = (rows ?? [])
      .filter((row) => selected.has(keyOf(row)))
      .map(({ hostId, id }) => ({ hostId, id }));
    bulk.mutate({ action, targets, ...(action === 'remove' ? { force: true } : {}) });
  };
  const failures = bulk.data?.filter((outcome) => !outcome.ok) ?? [];
  const toggle = (key: string) => {
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setSelected(next);
  };

  return (
    <main className="page">
      <div className="page-head">
        <h1>Containers</h1>
        <button type="button" className="button primary" onClick={() => setRunning(true)}>
          Run container
        </button>
      </div>
      <ContainersToolbar filter={filter} onChange={setFilter} hosts={hosts.data ?? []} />
      <BulkActions count={selected.size} busy={bulk.isPending} onAction={act} />
      {bulk.error || failures.length ? (
        <div className="form-error" role="alert">
          {bulk.error
            ? errorMessage(bulk.error)
            : failures.map((outcome) => `${outcome.id.slice(0, 12)}: ${outcome.error}`).join('; ')}
        </div>
      ) : null}
      <QueryState
        query={{ ...containers, data: rows }}
        what="the containers"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No containers</h2>
            <p>{filter === NO_FILTER ? 'Run one with the button above.' : 'None match these filters.'}</p>
          </>
        }
      >
        {(list) => (
          <DataTable
            label="Containers"
            columns={['Name', 'Image', 'Host', 'Status', 'CPU', 'Memory', 'Ports', 'Started', 'Labels']}
            leading={
              <input
                type="checkbox"
                aria-label="Select all"
                checked={list.length > 0 && list.every((row) => selected.has(keyOf(row)))}
                onChange={(e) => setSelected(e.target.checked ? new Set(list.map(keyOf)) : new Set())}
              />
            }
          >
            {list.map((row) => (
              <tr key={keyOf(row)} data-testid="container-row" data-container-id={row.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${row.name}`}
                    checked={selected.has(keyOf(row))}
                    onChange={() => toggle(keyOf(row))}
                  />
                </td>
                <td>
                  <a className="host-name" href={`/containers/${row.hostId}/${row.id}`}>
                    {row.name}
                  </a>
                  <div className="sub mono">{row.id.slice(0, 12)}</div>
                </td>
                <td className="mono">{row.image}</td>
                <td>
                  {row.hostName}
                  {row.hostStatus === 'offline' ? <span className="sub"> (offline)</span> : null}
                </td>
                <td>
                  <ContainerStatusBadge status={row.status} exitCode={row.exitCode} />
                </td>
                <td className="num" data-testid="container-cpu">
                  {row.cpuPercent === null ? '—' : `${row.cpuPercent.toFixed(1)}%`}
                </td>
                <td className="num" data-testid="container-memory">
                  {row.memoryBytes === null ? '—' : formatBytes(row.memoryBytes)}
                </td>
                <td data-testid="container-ports">
                  <PublishedPorts ports={row.ports} hostAddress={row.hostAddress} />
                </td>
                <td title={row.startedAt ?? undefined}>
                  {row.startedAt ? formatAgo(row.startedAt, now) : '—'}
                </td>
                <td>
                  <LabelBadges labels={row.labels} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
      <RunDialog open={running} onClose={() => setRunning(false)} hosts={hosts.data ?? []} />
    </main>
  );
}

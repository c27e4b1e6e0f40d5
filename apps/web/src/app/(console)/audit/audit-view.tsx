'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../trpc.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { HostOptions } from '../../ui/label-badges.tsx';
import { QueryState } from '../../ui/query-state.tsx';

type Filters = { actor: string; action: string; hostId: string; result: '' | 'success' | 'failure' };

/** The audit log, newest first, filtered on the server; pages follow the server's cursor. */
export function AuditView() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>({ actor: '', action: '', hostId: '', result: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const input = {
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.hostId ? { hostId: filters.hostId } : {}),
    ...(filters.result ? { result: filters.result } : {}),
    ...(cursors.length ? { cursor: cursors[cursors.length - 1] } : {}),
    limit: 50,
  };
  const audit = useQuery(
    trpc.audit.list.queryOptions(input, { placeholderData: keepPreviousData, refetchInterval: 5000 }),
  );
  const hostName = (id: string | null) => (id ? (hosts.data?.find((h) => h.id === id)?.name ?? id) : '');
  const set = (patch: Partial<Filters>) => {
    setFilters({ ...filters, ...patch });
    setCursors([]);
  };
  return (
    <main className="page">
      <div className="page-head">
        <h1>Audit log</h1>
      </div>
      <search className="toolbar" aria-label="Filter the audit log">
        <input
          aria-label="Actor"
          placeholder="Actor"
          value={filters.actor}
          onChange={(e) => set({ actor: e.target.value })}
        />
        <input
          aria-label="Action"
          placeholder="Action (e.g. container.start)"
          value={filters.action}
          onChange={(e) => set({ action: e.target.value })}
        />
        <select aria-label="Host" value={filters.hostId} onChange={(e) => set({ hostId: e.target.value })}>
          <option value="">All hosts</option>
          <HostOptions hosts={hosts.data ?? []} />
        </select>
        <select
          aria-label="Result"
          value={filters.result}
          onChange={(e) => set({ result: e.target.value as Filters['result'] })}
        >
          <option value="">Any result</option>
          <option value="success">Success</option>
          <option value="failure">Failure</option>
        </select>
      </search>
      <QueryState
        query={audit}
        what="the audit log"
        isEmpty={(page) => page.entries.length === 0}
        empty={<h2>No entries match</h2>}
      >
        {(page) => (
          <>
            <DataTable
              label="Audit entries"
              columns={['Time', 'Actor', 'Action', 'Target', 'Host', 'Result']}
            >
              {page.entries.map((entry) => (
                <tr key={entry.id} data-testid="audit-row">
                  <td title={entry.at}>{new Date(entry.at).toLocaleString()}</td>
                  <td>
                    {entry.actor} <span className="sub">{entry.actorKind}</span>
                  </td>
                  <td className="mono">{entry.action}</td>
                  <td className="mono">{entry.target}</td>
                  <td>{hostName(entry.hostId)}</td>
                  <td>
                    <span className={`badge ${entry.result === 'success' ? 'ok' : 'exited'}`}>
                      {entry.result}
                    </span>
                  </td>
                </tr>
              ))}
            </DataTable>
            <div className="toolbar" style={{ marginTop: 12 }}>
              <button
                type="button"
                className="button"
                disabled={cursors.length === 0}
                onClick={() => setCursors(cursors.slice(0, -1))}
              >
                Newer
              </button>
              <button
                type="button"
                className="button"
                disabled={!page.nextCursor}
                onClick={() => page.nextCursor && setCursors([...cursors, page.nextCursor])}
              >
                Older
              </button>
            </div>
          </>
        )}
      </QueryState>
    </main>
  );
}

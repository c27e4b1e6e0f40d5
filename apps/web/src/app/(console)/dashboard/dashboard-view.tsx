'use client';

import { useQuery } from '@tanstack/react-query';
import { formatAgo, formatBytes } from '../../format.ts';
import { useTRPC } from '../../trpc.tsx';
import { QueryState } from '../../ui/query-state.tsx';
import { useLiveHostState } from '../../ui/use-live-host-state.ts';
import { useNow } from '../../ui/use-now.ts';
import { HOSTS_REFRESH_MS } from '../hosts/hosts-view.tsx';
import { containerCounts, fleetTotals, memoryUsed } from './fleet-totals.ts';

export function DashboardView() {
  const trpc = useTRPC();
  const hosts = useQuery(trpc.hosts.list.queryOptions(undefined, { refetchInterval: HOSTS_REFRESH_MS }));
  const containers = useQuery(trpc.containers.list.queryOptions({}));
  useLiveHostState();
  const now = useNow(1000);
  const totals = hosts.data ? fleetTotals(hosts.data) : null;
  const counts = containerCounts(containers.data ?? []);

  return (
    <main className="page">
      <div className="page-head">
        <h1>Dashboard</h1>
      </div>
      {totals ? (
        <section className="cards" aria-label="Fleet totals" data-testid="fleet-totals">
          <div className="card">
            <div className="label">Hosts online</div>
            <div className="value">
              {totals.online} / {totals.hosts}
            </div>
          </div>
          <div className="card">
            <div className="label">Containers running</div>
            <div className="value" data-testid="fleet-running">
              {containers.data ? `${counts.all.running} / ${counts.all.total}` : '…'}
            </div>
          </div>
          <div className="card">
            <div className="label">CPU in use</div>
            <div className="value" data-testid="fleet-cpu">
              {totals.cpuPercent === null ? '…' : `${totals.cpuPercent.toFixed(0)}%`}
            </div>
            <div className="sub">of {totals.cpus} CPUs online</div>
          </div>
          <div className="card">
            <div className="label">Memory in use</div>
            <div className="value" data-testid="fleet-memory">
              {totals.memoryUsedBytes === null ? '…' : formatBytes(totals.memoryUsedBytes)}
            </div>
            <div className="sub">of {formatBytes(totals.memoryBytes)} online</div>
          </div>
        </section>
      ) : null}
      <h2 className="section">Hosts</h2>
      <QueryState
        query={hosts}
        what="the hosts"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No hosts yet</h2>
            <p>
              Add one on the <a href="/hosts">Hosts</a> page.
            </p>
          </>
        }
      >
        {(list) => (
          <div className="host-cards">
            {list.map((host) => (
              <article key={host.id} className="card" data-testid="dashboard-host" aria-label={host.name}>
                <div className="page-head" style={{ marginBottom: 4 }}>
                  <strong>{host.name}</strong>
                  <span className={`status ${host.status}`}>
                    {host.status === 'online' ? 'Online' : 'Offline'}
                  </span>
                </div>
                <div className="sub">
                  {host.os} · {host.arch} · last seen {formatAgo(host.lastSeenAt, now)}
                </div>
                <div className="sub">
                  {host.cpus} CPUs · {formatBytes(host.memoryBytes)} memory
                </div>
                {host.stats ? (
                  <div className="host-use" data-testid="host-use">
                    <label>
                      CPU {host.stats.cpuPercent.toFixed(0)}%
                      <meter min={0} max={100} value={host.stats.cpuPercent} />
                    </label>
                    <label>
                      Memory {formatBytes(memoryUsed(host))} of {formatBytes(host.stats.memoryTotalBytes)}
                      <meter min={0} max={host.stats.memoryTotalBytes} value={memoryUsed(host)} />
                    </label>
                  </div>
                ) : null}
                <div className="sub" data-testid="host-containers">
                  {counts.byHost.get(host.id)?.running ?? 0} running ·{' '}
                  {counts.byHost.get(host.id)?.total ?? 0} containers
                </div>
              </article>
            ))}
          </div>
        )}
      </QueryState>
    </main>
  );
}

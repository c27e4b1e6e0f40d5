'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../../../../trpc.tsx';
import { ConfirmButton } from '../../../../ui/confirm-button.tsx';
import { ErrorBanner, FormError, Skeleton, useLoginRedirect } from '../../../../ui/query-state.tsx';
import { ContainerStatusBadge } from '../../container-status.tsx';
import { TABS, type Tab, tabOf, withParam } from './container-tabs.ts';
import { InspectPanel } from './inspect-panel.tsx';
import { InspectView } from './inspect-view.ts';
import { LogsPanel } from './logs-panel.tsx';
import { OverviewPanel } from './overview-panel.tsx';
import { ProcessesPanel } from './processes-panel.tsx';
import { StatsPanel } from './stats-panel.tsx';
import { TerminalPanel } from './terminal-panel.tsx';

export function ContainerDetail({ hostId, containerId }: { hostId: string; containerId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ref = { hostId, id: containerId };
  const inspect = useQuery(trpc.containers.inspect.queryOptions(ref, { refetchInterval: 5000 }));
  useLoginRedirect(inspect.error);
  const [tab, setTab] = useState<Tab>('overview');
  useEffect(() => setTab(tabOf(window.location.search)), []);
  const choose = (next: Tab) => {
    setTab(next);
    window.history.replaceState(null, '', withParam(window.location.href, 'tab', next));
  };
  const act = useMutation(
    trpc.containers.action.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.containers.inspect.queryKey(ref) }),
      onSuccess: (_, input) => {
        if (input.action === 'remove') window.location.assign('/containers');
      },
    }),
  );

  if (inspect.error)
    return <ErrorBanner what="the container" error={inspect.error} retry={inspect.refetch} />;
  if (!inspect.data)
    return (
      <main className="page">
        <Skeleton />
      </main>
    );
  const parsed = InspectView.safeParse(inspect.data);
  if (!parsed.success) return <ErrorBanner what="the container" error={parsed.error} />;
  const info = parsed.data;
  const running = info.State.Running;
  return (
    <main className="page">
      <div className="page-head">
        <div>
          <h1>{info.Name.replace(/^\//, '')}</h1>
          <div className="sub mono">{info.Id.slice(0, 12)}</div>
        </div>
        <div className="page-actions">
          <ContainerStatusBadge status={info.State.Status} exitCode={info.State.ExitCode} />
          {running ? (
            <button type="button" className="button" onClick={() => act.mutate({ ...ref, action: 'stop' })}>
              Stop
            </button>
          ) : (
            <button type="button" className="button" onClick={() => act.mutate({ ...ref, action: 'start' })}>
              Start
            </button>
          )}
          <button type="button" className="button" onClick={() => act.mutate({ ...ref, action: 'restart' })}>
            Restart
          </button>
          <ConfirmButton
            label="Remove"
            title={`Remove ${info.Name.replace(/^\//, '')}?`}
            confirmLabel="Remove container"
            onConfirm={() => act.mutate({ ...ref, action: 'remove', force: true })}
          >
            {running ? 'It is running: it is stopped first. ' : ''}Its writable layer is deleted.
          </ConfirmButton>
        </div>
      </div>
      <FormError error={act.error} />
      <div className="tabs" role="tablist" aria-label="Container views">
        {TABS.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`tab-${key}`}
            aria-selected={tab === key}
            aria-controls={`panel-${key}`}
            onClick={() => choose(key)}
          >
            {label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'overview' ? <OverviewPanel info={info} /> : null}
        {tab === 'logs' ? <LogsPanel hostId={hostId} containerId={containerId} /> : null}
        {tab === 'stats' ? <StatsPanel hostId={hostId} containerId={containerId} running={running} /> : null}
        {tab === 'terminal' ? (
          <TerminalPanel hostId={hostId} containerId={containerId} running={running} />
        ) : null}
        {tab === 'processes' ? (
          <ProcessesPanel hostId={hostId} containerId={containerId} running={running} />
        ) : null}
        {tab === 'inspect' ? <InspectPanel info={inspect.data} /> : null}
      </section>
    </main>
  );
}

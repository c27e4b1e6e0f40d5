'use client';

import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { formatBytes } from '../../../../format.ts';
import { useTRPC } from '../../../../trpc.tsx';
import type { ContainerPanelProps } from './panel-props.ts';
import { Sparkline } from './sparkline.tsx';

const KEEP = 60;

type Sample = { cpuPercent: number; memoryUsageBytes: number; memoryLimitBytes: number; pids: number };

/** CPU and memory, one sample a second, the last minute charted. */
export function StatsPanel({ hostId, containerId, running }: ContainerPanelProps) {
  const trpc = useTRPC();
  const [samples, setSamples] = useState<Sample[]>([]);
  const stats = useSubscription(
    trpc.containers.stats.subscriptionOptions(
      { hostId, id: containerId, intervalMs: 1000 },
      { enabled: running, onData: (sample) => setSamples((prev) => [...prev.slice(-(KEEP - 1)), sample]) },
    ),
  );
  if (!running) return <div className="panel state">Not running: no statistics.</div>;
  const last = samples.at(-1);
  return (
    <div className="chart-grid" data-testid="stats">
      <div className="card">
        <div className="label">CPU</div>
        <div className="value" data-testid="stats-cpu">
          {last ? `${last.cpuPercent.toFixed(1)} %` : '…'}
        </div>
        <Sparkline values={samples.map((s) => s.cpuPercent)} max={100} label="CPU over the last minute" />
      </div>
      <div className="card">
        <div className="label">Memory</div>
        <div className="value" data-testid="stats-memory">
          {last ? `${formatBytes(last.memoryUsageBytes)}` : '…'}
          {last && last.memoryLimitBytes > 0 ? (
            <span className="sub"> of {formatBytes(last.memoryLimitBytes)}</span>
          ) : null}
        </div>
        <Sparkline values={samples.map((s) => s.memoryUsageBytes)} label="Memory over the last minute" />
      </div>
      {stats.status === 'error' ? (
        <div className="form-error" role="alert">
          {stats.error?.message}
        </div>
      ) : null}
    </div>
  );
}

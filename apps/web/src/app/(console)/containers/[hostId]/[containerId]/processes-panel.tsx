'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../../../trpc.tsx';
import { DataTable } from '../../../../ui/data-table.tsx';
import { QueryState } from '../../../../ui/query-state.tsx';
import type { ContainerPanelProps } from './panel-props.ts';

/** `docker top`, refreshed every few seconds. */
export function ProcessesPanel({ hostId, containerId, running }: ContainerPanelProps) {
  const trpc = useTRPC();
  const top = useQuery(
    trpc.containers.top.queryOptions(
      { hostId, id: containerId },
      { enabled: running, refetchInterval: 3000 },
    ),
  );
  if (!running) return <div className="panel state">Not running: no processes.</div>;
  return (
    <QueryState
      query={top}
      what="the processes"
      isEmpty={(t) => t.processes.length === 0}
      empty={<h2>No processes</h2>}
    >
      {(t) => (
        <DataTable label="Processes" columns={t.titles}>
          {t.processes.map((process) => (
            <tr key={process.join('\0')} data-testid="process-row">
              {process.map((cell, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                <td key={i} className="mono">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </DataTable>
      )}
    </QueryState>
  );
}

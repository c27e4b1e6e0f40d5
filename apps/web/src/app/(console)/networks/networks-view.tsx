'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { QueryState } from '../../ui/query-state.tsx';

/**
 * The networks each agent reports. Creating and removing networks needs the engine's network
 * procedures, which the link does not offer yet: the page lists what exists.
 */
export function NetworksView() {
  const trpc = useTRPC();
  const networks = useQuery(trpc.networks.list.queryOptions({}));
  return (
    <main className="page">
      <div className="page-head">
        <h1>Networks</h1>
      </div>
      <QueryState
        query={networks}
        what="the networks"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No networks reported</h2>
            <p>No host's engine reports user networks yet.</p>
          </>
        }
      >
        {(list) => (
          <DataTable label="Networks" columns={['Name', 'Host', 'Driver', 'Subnet']}>
            {list.map((network) => (
              <tr key={`${network.hostId}/${network.id}`} data-testid="network-row">
                <td className="mono">{network.name}</td>
                <td>{network.hostName}</td>
                <td>{network.driver}</td>
                <td className="mono">{network.subnet ?? '—'}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
    </main>
  );
}

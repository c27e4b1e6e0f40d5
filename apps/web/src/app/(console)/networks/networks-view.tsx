'use client';

import { NetworkCreateInput } from '@berth/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../trpc.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, invalidProps, schemaError } from '../../ui/field.tsx';
import { HostPicker } from '../../ui/host-picker.tsx';
import { FormError, QueryState } from '../../ui/query-state.tsx';
import { useLiveHostState } from '../../ui/use-live-host-state.ts';

/** Every host's bridge networks as its agent reports them: create, inspect, remove (the default bridge stays). */
export function NetworksView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const networks = useQuery(trpc.networks.list.queryOptions({}));
  useLiveHostState();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.networks.list.queryKey() });
  const [hostId, setHostId] = useState('');
  const [name, setName] = useState('');
  const [subnet, setSubnet] = useState('');
  const [inspecting, setInspecting] = useState<unknown>(null);
  const create = useMutation(
    trpc.networks.create.mutationOptions({
      onSuccess: () => {
        setName('');
        setSubnet('');
      },
      onSettled: refresh,
    }),
  );
  const remove = useMutation(trpc.networks.remove.mutationOptions({ onSettled: refresh }));
  const target = hostId || (hosts.data?.find((h) => h.status === 'online')?.id ?? '');
  const nameError = name ? schemaError(NetworkCreateInput.shape.name, name) : null;
  const subnetError =
    subnet && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(subnet) ? 'a subnet such as 10.20.0.0/24' : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!target || !name || nameError || subnetError) return;
    create.mutate({ hostId: target, name, ...(subnet ? { subnet } : {}) });
  };
  return (
    <main className="page">
      <div className="page-head">
        <h1>Networks</h1>
      </div>
      <form className="toolbar" onSubmit={submit} aria-label="Create a network">
        <HostPicker hosts={hosts.data ?? []} value={target} onChange={setHostId} />
        <Field id="network-name" label="New network" error={nameError}>
          <input
            id="network-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            {...invalidProps('network-name', nameError)}
          />
        </Field>
        <Field id="network-subnet" label="Subnet" error={subnetError} hint="empty: a free /24">
          <input
            id="network-subnet"
            value={subnet}
            placeholder="10.20.0.0/24"
            onChange={(e) => setSubnet(e.target.value)}
            {...invalidProps('network-subnet', subnetError)}
          />
        </Field>
        <button type="submit" className="button primary" disabled={!target || !name || create.isPending}>
          Create network
        </button>
      </form>
      <FormError error={create.error ?? remove.error} />
      <QueryState
        query={networks}
        what="the networks"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No networks reported</h2>
            <p>Every host reports its default bridge once its agent is connected.</p>
          </>
        }
      >
        {(list) => (
          <DataTable label="Networks" columns={['Name', 'Host', 'Driver', 'Subnet', 'Actions']}>
            {list.map((network) => (
              <tr key={`${network.hostId}/${network.id}`} data-testid="network-row">
                <td className="mono">{network.name}</td>
                <td>{network.hostName}</td>
                <td>{network.driver}</td>
                <td className="mono">{network.subnet ?? '—'}</td>
                <td className="join-actions">
                  <button type="button" className="button small" onClick={() => setInspecting(network)}>
                    Inspect
                  </button>
                  {network.name === 'bridge' ? (
                    <span className="sub">default</span>
                  ) : (
                    <ConfirmButton
                      className="button small danger"
                      label="Remove"
                      title={`Remove network ${network.name}?`}
                      confirmLabel="Remove network"
                      onConfirm={() => remove.mutate({ hostId: network.hostId, ref: network.id })}
                    >
                      A network with containers attached is refused.
                    </ConfirmButton>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
      <Dialog open={inspecting !== null} title="Network" onClose={() => setInspecting(null)} wide>
        <pre className="code">{JSON.stringify(inspecting, null, 2)}</pre>
      </Dialog>
    </main>
  );
}

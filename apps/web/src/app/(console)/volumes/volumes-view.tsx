'use client';

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
import { VolumeName } from './volume-name.ts';

/** Every host's volumes: create, inspect, remove. */
export function VolumesView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const volumes = useQuery(trpc.volumes.list.queryOptions({}));
  useLiveHostState();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.volumes.list.queryKey() });
  const [hostId, setHostId] = useState('');
  const [name, setName] = useState('');
  const [inspecting, setInspecting] = useState<unknown>(null);
  const create = useMutation(
    trpc.volumes.create.mutationOptions({ onSuccess: () => setName(''), onSettled: refresh }),
  );
  const remove = useMutation(trpc.volumes.remove.mutationOptions({ onSettled: refresh }));
  const target = hostId || (hosts.data?.find((h) => h.status === 'online')?.id ?? '');
  const nameError = name ? schemaError(VolumeName, name) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!target || nameError) return;
    create.mutate({ hostId: target, ...(name ? { name } : {}), labels: {} });
  };
  const failure = create.error ?? remove.error;
  return (
    <main className="page">
      <div className="page-head">
        <h1>Volumes</h1>
      </div>
      <form className="toolbar" onSubmit={submit} aria-label="Create a volume">
        <HostPicker hosts={hosts.data ?? []} value={target} onChange={setHostId} />
        <Field id="volume-name" label="New volume" error={nameError} hint="empty: a generated name">
          <input
            id="volume-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            {...invalidProps('volume-name', nameError)}
          />
        </Field>
        <button type="submit" className="button primary" disabled={!target || create.isPending}>
          Create volume
        </button>
      </form>
      <FormError error={failure} />
      <QueryState
        query={volumes}
        what="the volumes"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No volumes</h2>
            <p>Volumes keep data beyond a container's life.</p>
          </>
        }
      >
        {(list) => (
          <DataTable label="Volumes" columns={['Name', 'Host', 'Driver', 'Created', 'Actions']}>
            {list.map((volume) => (
              <tr key={`${volume.hostId}/${volume.name}`} data-testid="volume-row">
                <td className="mono">{volume.name}</td>
                <td>{volume.hostName}</td>
                <td>{volume.driver}</td>
                <td>{new Date(volume.createdAt).toLocaleString()}</td>
                <td className="join-actions">
                  <button type="button" className="button small" onClick={() => setInspecting(volume)}>
                    Inspect
                  </button>
                  <ConfirmButton
                    className="button small danger"
                    label="Remove"
                    title={`Remove volume ${volume.name}?`}
                    confirmLabel="Remove volume"
                    onConfirm={() =>
                      remove.mutate({ hostId: volume.hostId, name: volume.name, force: false })
                    }
                  >
                    Its data is deleted. A volume a container uses is refused.
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
      <Dialog open={inspecting !== null} title="Volume" onClose={() => setInspecting(null)} wide>
        <pre className="code">{JSON.stringify(inspecting, null, 2)}</pre>
      </Dialog>
    </main>
  );
}

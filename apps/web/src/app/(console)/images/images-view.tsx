'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatBytes } from '../../format.ts';
import { useTRPC } from '../../trpc.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { HostPicker } from '../../ui/host-picker.tsx';
import { FormError, QueryState } from '../../ui/query-state.tsx';
import { useLiveHostState } from '../../ui/use-live-host-state.ts';
import { LoadImage } from './load-image.tsx';
import { PullDialog } from './pull-dialog.tsx';

/** Every host's images (from what the agents reported), pull, load, remove, prune. */
export function ImagesView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hosts = useQuery(trpc.hosts.list.queryOptions());
  const [hostId, setHostId] = useState('');
  const [pulling, setPulling] = useState(false);
  const images = useQuery(trpc.images.list.queryOptions({}));
  useLiveHostState();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.images.list.queryKey() });
  const remove = useMutation(trpc.images.remove.mutationOptions({ onSettled: refresh }));
  const prune = useMutation(trpc.images.prune.mutationOptions({ onSettled: refresh }));
  const target = hostId || (hosts.data?.find((h) => h.status === 'online')?.id ?? '');
  const failure = remove.error ?? prune.error;
  return (
    <main className="page">
      <div className="page-head">
        <h1>Images</h1>
        <button type="button" className="button primary" onClick={() => setPulling(true)}>
          Pull image
        </button>
      </div>
      <PullDialog
        open={pulling}
        onClose={() => setPulling(false)}
        onPulled={refresh}
        hosts={hosts.data ?? []}
        hostId={target}
      />
      <div className="toolbar">
        <HostPicker hosts={hosts.data ?? []} value={target} onChange={setHostId} />
        <ConfirmButton
          className="button"
          label="Prune unused"
          disabled={!target}
          title="Remove dangling images on this host?"
          confirmLabel="Prune"
          onConfirm={() => prune.mutate({ hostId: target, all: false })}
        >
          Images without a tag that no container uses are deleted.
        </ConfirmButton>
      </div>
      {target ? <LoadImage hostId={target} onDone={refresh} /> : null}
      {prune.data ? (
        <div className="form-ok" role="status">
          Pruned {prune.data.deleted.length} images, {formatBytes(prune.data.reclaimedBytes)} reclaimed.
        </div>
      ) : null}
      <FormError error={failure} />
      <h2 className="section">On every host</h2>
      <QueryState
        query={images}
        what="the images"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No images</h2>
            <p>Pull one from a registry, or load a `docker save` archive.</p>
          </>
        }
      >
        {(list) => (
          <DataTable
            label="Images"
            columns={['Tags', 'ID', 'Host', { label: 'Size', className: 'num' }, 'Created', 'Actions']}
          >
            {list.map((image) => (
              <tr key={`${image.hostId}/${image.id}`} data-testid="image-row">
                <td className="mono">{image.repoTags.join(', ') || '<none>'}</td>
                <td className="mono">{image.id.replace(/^sha256:/, '').slice(0, 12)}</td>
                <td>{image.hostName}</td>
                <td className="num">{formatBytes(image.sizeBytes)}</td>
                <td>{new Date(image.createdAt).toLocaleDateString()}</td>
                <td>
                  <ConfirmButton
                    className="button small danger"
                    label="Remove"
                    title={`Remove ${image.repoTags[0] ?? image.id.slice(0, 19)}?`}
                    confirmLabel="Remove image"
                    onConfirm={() => remove.mutate({ hostId: image.hostId, ref: image.id, force: false })}
                  >
                    From {image.hostName}. An image a container uses is refused.
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
    </main>
  );
}

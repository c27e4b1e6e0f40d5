'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { LabelsSchema } from '../../../server/access/labels.ts';
import { NameSchema } from '../../../server/trpc/schemas.ts';
import { useTRPC } from '../../trpc.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, invalidProps, schemaError } from '../../ui/field.tsx';
import { parseKeyValueLines } from '../../ui/key-value-lines.ts';
import { FormError } from '../../ui/query-state.tsx';

type Host = { id: string; name: string; labels: Record<string, string> };

/** Rename, relabel and remove one host (the server checks the caller may manage it). */
export function HostActions({ host }: { host: Host }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.hosts.list.queryKey() });
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(host.name);
  const [labelText, setLabelText] = useState('');
  const rename = useMutation(trpc.hosts.rename.mutationOptions({ onSettled: refresh }));
  const setLabels = useMutation(trpc.hosts.setLabels.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.hosts.remove.mutationOptions({ onSettled: refresh }));
  const nameError = schemaError(NameSchema, name);
  const labels = parseKeyValueLines(labelText);
  const labelsError = labels.ok ? schemaError(LabelsSchema, labels.value) : labels.error;
  const open = () => {
    setName(host.name);
    setLabelText(
      Object.entries(host.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
    );
    setEditing(true);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (nameError || labelsError || !labels.ok) return;
    if (name.trim() !== host.name) await rename.mutateAsync({ hostId: host.id, name });
    await setLabels.mutateAsync({ hostId: host.id, labels: labels.value });
    setEditing(false);
  };
  const failure = rename.error ?? setLabels.error ?? remove.error;
  return (
    <div className="join-actions">
      <button type="button" className="button small" onClick={open}>
        Edit
      </button>
      <ConfirmButton
        className="button small danger"
        label="Remove"
        title={`Remove host ${host.name}?`}
        confirmLabel="Remove host"
        onConfirm={() => remove.mutate({ hostId: host.id })}
      >
        Berth forgets the host and its credential; its agent can no longer connect until it joins again. Its
        containers keep running.
      </ConfirmButton>
      {failure && !editing ? (
        <span className="field-error" role="alert">
          {failure.message}
        </span>
      ) : null}
      <Dialog open={editing} title={`Edit ${host.name}`} onClose={() => setEditing(false)}>
        <form onSubmit={submit} aria-label="Edit host">
          <div className="dialog-body">
            <FormError error={failure} />
            <Field id="host-name" label="Name" error={nameError}>
              <input
                id="host-name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                {...invalidProps('host-name', nameError)}
              />
            </Field>
            <Field id="host-labels" label="Labels" error={labelsError} hint="One key=value a line">
              <textarea
                id="host-labels"
                rows={5}
                className="mono"
                value={labelText}
                onChange={(e) => setLabelText(e.target.value)}
                {...invalidProps('host-labels', labelsError)}
              />
            </Field>
          </div>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button
              type="submit"
              className="button primary"
              disabled={rename.isPending || setLabels.isPending}
            >
              Save
            </button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../trpc.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, invalidProps } from '../../ui/field.tsx';
import { HostOptions } from '../../ui/label-badges.tsx';
import { FormError } from '../../ui/query-state.tsx';
import { EMPTY_RUN, RESTART_POLICIES, type RunFields, toRunInput } from './run-form.ts';

type TextField = Exclude<keyof RunFields, 'restartPolicy' | 'tty' | 'autoRemove' | 'hostId' | 'network'>;

const TEXT_FIELDS: { key: TextField; label: string; hint?: string; lines?: number; placeholder?: string }[] =
  [
    { key: 'image', label: 'Image', placeholder: 'busybox:latest' },
    { key: 'name', label: 'Name', hint: 'empty: a generated name' },
    { key: 'command', label: 'Command', placeholder: 'sh -c "echo hello"', hint: "empty: the image's" },
    { key: 'entrypoint', label: 'Entrypoint', hint: "empty: the image's" },
    { key: 'workingDir', label: 'Working directory' },
    { key: 'user', label: 'User', placeholder: 'uid[:gid] or name' },
    { key: 'env', label: 'Environment', hint: 'one KEY=value a line', lines: 3 },
    { key: 'labels', label: 'Labels', hint: 'one key=value a line', lines: 2 },
    {
      key: 'ports',
      label: 'Published ports',
      hint: 'one a line: [ip:]hostPort:containerPort[/udp]',
      lines: 2,
      placeholder: '8080:80',
    },
    {
      key: 'volumes',
      label: 'Volumes',
      hint: 'one a line: volume:/path or /host/path:/path, :ro to read only',
      lines: 2,
      placeholder: 'data:/var/lib/data',
    },
    { key: 'memory', label: 'Memory limit', placeholder: '512m', hint: 'empty: no limit' },
    { key: 'cpus', label: 'CPUs', placeholder: '0.5', hint: 'empty: no limit' },
    { key: 'pidsLimit', label: 'Process limit', placeholder: '100', hint: 'empty: no limit' },
  ];

/** bridge, host and none always exist; user networks come from the host's reported state */
const BUILTIN_NETWORKS = ['bridge', 'host', 'none'];

/** docker run from the browser: the fields the link's RunContainerInput takes. */
export function RunDialog({
  open,
  onClose,
  hosts,
}: {
  open: boolean;
  onClose: () => void;
  hosts: readonly { id: string; name: string; status: string }[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState<RunFields>(EMPTY_RUN);
  const [touched, setTouched] = useState<Set<keyof RunFields>>(new Set());
  const run = useMutation(
    trpc.containers.run.mutationOptions({
      onSuccess: () => {
        setFields(EMPTY_RUN);
        setTouched(new Set());
        onClose();
        return queryClient.invalidateQueries({ queryKey: trpc.containers.list.queryKey() });
      },
    }),
  );
  const online = hosts.filter((host) => host.status === 'online');
  const effective = { ...fields, hostId: fields.hostId || (online[0]?.id ?? '') };
  const networks = useQuery({
    ...trpc.networks.list.queryOptions({ hostId: effective.hostId }),
    enabled: open && effective.hostId !== '',
  });
  const networkNames = [
    ...BUILTIN_NETWORKS,
    ...(networks.data ?? []).map((n) => n.name).filter((n) => !BUILTIN_NETWORKS.includes(n)),
  ];
  const checked = toRunInput(effective);
  const errorOf = (key: keyof RunFields) =>
    !checked.ok && touched.has(key) ? checked.errors[key] : undefined;
  const set = <K extends keyof RunFields>(key: K, value: RunFields[K]) => {
    setFields({ ...fields, [key]: value });
    setTouched(new Set(touched).add(key));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(new Set(Object.keys(fields) as (keyof RunFields)[]));
    if (checked.ok) run.mutate({ hostId: checked.hostId, ...checked.input });
  };

  return (
    <Dialog open={open} title="Run a container" onClose={onClose} wide>
      <form onSubmit={submit} aria-label="Run a container" noValidate>
        <div className="dialog-body">
          <div className="form-grid">
            <Field id="run-host" label="Host" error={errorOf('hostId')}>
              <select id="run-host" value={effective.hostId} onChange={(e) => set('hostId', e.target.value)}>
                <HostOptions hosts={online} />
              </select>
            </Field>
            <Field id="run-restart" label="Restart policy">
              <select
                id="run-restart"
                value={fields.restartPolicy}
                onChange={(e) =>
                  set('restartPolicy', RESTART_POLICIES.find((p) => p === e.target.value) ?? 'no')
                }
              >
                {RESTART_POLICIES.map((policy) => (
                  <option key={policy}>{policy}</option>
                ))}
              </select>
            </Field>
            <Field id="run-network" label="Network" error={errorOf('network')}>
              <select
                id="run-network"
                value={fields.network || 'bridge'}
                onChange={(e) => set('network', e.target.value)}
              >
                {networkNames.map((name) => (
                  <option key={name}>{name}</option>
                ))}
              </select>
            </Field>
            {TEXT_FIELDS.map(({ key, label, hint, lines, placeholder }) => {
              const id = `run-${key}`;
              const error = errorOf(key);
              const common = {
                id,
                value: fields[key],
                placeholder,
                onChange: (e: { target: { value: string } }) => set(key, e.target.value),
                ...invalidProps(id, error),
              };
              return (
                <Field key={key} id={id} label={label} error={error} hint={hint}>
                  {lines ? <textarea rows={lines} className="mono" {...common} /> : <input {...common} />}
                </Field>
              );
            })}
          </div>
          <label className="check">
            <input type="checkbox" checked={fields.tty} onChange={(e) => set('tty', e.target.checked)} />{' '}
            Interactive with a terminal (-it)
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={fields.autoRemove}
              onChange={(e) => set('autoRemove', e.target.checked)}
            />{' '}
            Remove when it exits (--rm)
          </label>
          {/* beside the Run button, where the eye is after a click (the form may be scrolled) */}
          <FormError error={run.error} />
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={run.isPending || online.length === 0}>
            {run.isPending ? 'Starting…' : 'Run'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

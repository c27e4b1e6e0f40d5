'use client';

import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { type SshAddInput, sshAddInput } from '../../../server/hosts/ssh/ssh-add-input.ts';
import { useTRPC } from '../../trpc.tsx';

const STEPS = [
  ['connect', 'Connect and log in'],
  ['check', 'Check the host (Linux, root, Node 20, kernel)'],
  ['upload', 'Upload the agent'],
  ['install', 'Install the agent'],
  ['join', 'Wait for the host to join'],
] as const;
const POLL_MS = 500;

interface Form {
  address: string;
  port: string;
  user: string;
  authKind: 'password' | 'key';
  password: string;
  privateKey: string;
  passphrase: string;
  fingerprint: string;
}

const EMPTY: Form = {
  address: '',
  port: '22',
  user: 'root',
  authKind: 'key',
  password: '',
  privateKey: '',
  passphrase: '',
  fingerprint: '',
};

/** The form as the shared schema sees it, with each field's first problem. */
function validate(form: Form): { input?: SshAddInput; problems: Record<string, string> } {
  const parsed = sshAddInput.safeParse({
    address: form.address,
    port: Number(form.port),
    user: form.user,
    auth:
      form.authKind === 'password'
        ? { kind: 'password', password: form.password }
        : {
            kind: 'key',
            privateKey: form.privateKey,
            ...(form.passphrase ? { passphrase: form.passphrase } : {}),
          },
    ...(form.fingerprint.trim() ? { hostKeyFingerprint: form.fingerprint } : {}),
    controlPlaneUrl: window.location.origin,
  });
  if (parsed.success) return { input: parsed.data, problems: {} };
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path.at(-1) ?? '');
    problems[field] ??= issue.message;
  }
  return { problems };
}

function Field(props: {
  label: string;
  name: keyof Form;
  form: Form;
  touched: boolean;
  problem: string | undefined;
  onChange: (name: keyof Form, value: string) => void;
  type?: string;
  multiline?: boolean;
  placeholder?: string;
}) {
  const id = `ssh-${props.name}`;
  const common = {
    id,
    name: props.name,
    value: props.form[props.name],
    placeholder: props.placeholder,
    'aria-invalid': props.touched && props.problem ? true : undefined,
    onChange: (e: { target: { value: string } }) => props.onChange(props.name, e.target.value),
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={5} spellCheck={false} className="mono" />
      ) : (
        <input {...common} type={props.type ?? 'text'} autoComplete="off" spellCheck={false} />
      )}
      {props.touched && props.problem ? <span className="field-problem">{props.problem}</span> : null}
    </div>
  );
}

/** Adds a host over SSH: credentials used once, the host key confirmed, install progress shown. */
export function AddHostOverSsh({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<Form>(EMPTY);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [jobId, setJobId] = useState<string | undefined>();
  const start = useMutation(trpc.hostSsh.start.mutationOptions({ onSuccess: (r) => setJobId(r.jobId) }));
  const status = useQuery(
    trpc.hostSsh.status.queryOptions(jobId ? { jobId } : skipToken, {
      refetchInterval: (q) => (q.state.data && q.state.data.state !== 'running' ? false : POLL_MS),
    }),
  );
  const job = status.data;
  const { input, problems } = validate(form);
  const running = start.isPending || job?.state === 'running';

  const onChange = (name: keyof Form, value: string) => {
    setForm((f) => ({ ...f, [name]: value }));
    setTouched((t) => new Set(t).add(name));
  };
  const submit = (e?: FormEvent, pinned?: string) => {
    e?.preventDefault();
    const attempt = pinned && input ? { ...input, hostKeyFingerprint: pinned } : input;
    if (pinned) setForm((f) => ({ ...f, fingerprint: pinned }));
    setTouched(new Set(Object.keys(EMPTY)));
    if (!attempt) return;
    setJobId(undefined);
    start.mutate(attempt);
  };
  const joined = job?.state === 'succeeded';
  useEffect(() => {
    if (joined) void queryClient.invalidateQueries({ queryKey: trpc.hosts.list.queryKey() });
  }, [joined, queryClient, trpc]);

  const unconfirmed = job?.error?.code === 'host-key-unconfirmed' ? job.hostKey : null;
  const fieldProps = (name: keyof Form) => ({
    name,
    form,
    touched: touched.has(name),
    problem: problems[name === 'fingerprint' ? 'hostKeyFingerprint' : name],
    onChange,
  });

  return (
    <form className="ssh-form" onSubmit={submit} aria-label="Add a host over SSH">
      <div className="ssh-row">
        <Field label="Address" placeholder="host.example or 192.0.2.10" {...fieldProps('address')} />
        <Field label="Port" {...fieldProps('port')} />
        <Field label="User" {...fieldProps('user')} />
      </div>
      <fieldset className="ssh-auth">
        <legend>Log in with</legend>
        {(['key', 'password'] as const).map((kind) => (
          <label key={kind}>
            <input
              type="radio"
              name="authKind"
              checked={form.authKind === kind}
              onChange={() => setForm((f) => ({ ...f, authKind: kind }))}
            />{' '}
            {kind === 'key' ? 'Private key' : 'Password'}
          </label>
        ))}
      </fieldset>
      {form.authKind === 'password' ? (
        <Field label="Password" type="password" {...fieldProps('password')} />
      ) : (
        <>
          <Field
            label="Private key"
            multiline
            placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            {...fieldProps('privateKey')}
          />
          <Field label="Key passphrase (if any)" type="password" {...fieldProps('passphrase')} />
        </>
      )}
      <Field label="Host key fingerprint (optional)" placeholder="SHA256:…" {...fieldProps('fingerprint')} />
      <p className="hint">
        Used once to install the agent, then forgotten. The user must be root or have passwordless sudo; the
        host needs Node 20 or newer.
      </p>

      {unconfirmed ? (
        <div className="ssh-confirm" role="alert" data-testid="ssh-fingerprint">
          <p>
            First contact with {job?.target}. It presented this {unconfirmed.type} host key:
          </p>
          <code>{unconfirmed.fingerprint}</code>
          <p>
            Compare it with <code className="inline">ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code> on the
            host before you trust it.
          </p>
          <button
            type="button"
            className="button primary"
            onClick={() => submit(undefined, unconfirmed.fingerprint)}
          >
            Trust this key and add the host
          </button>
        </div>
      ) : null}

      {job && !unconfirmed ? (
        <div className="ssh-progress" data-testid="ssh-progress">
          <ol>
            {STEPS.map(([step, label]) => {
              const index = STEPS.findIndex(([s]) => s === job.step);
              const mine = STEPS.findIndex(([s]) => s === step);
              const state =
                mine < index || job.state === 'succeeded'
                  ? 'done'
                  : mine > index
                    ? 'todo'
                    : job.state === 'failed'
                      ? 'failed'
                      : 'current';
              return (
                <li key={step} className={`ssh-step ${state}`}>
                  {label}
                </li>
              );
            })}
          </ol>
          {job.output ? (
            <pre className="ssh-output">
              <code>{job.output}</code>
            </pre>
          ) : null}
          {job.state === 'succeeded' ? (
            <div className="form-ok" role="status">
              {job.target} joined and is online.
            </div>
          ) : null}
          {job.error ? (
            <div className="form-error" role="alert">
              {job.error.message}
              {job.error.outputTail ? (
                <pre className="ssh-output">
                  <code>{job.error.outputTail}</code>
                </pre>
              ) : null}
            </div>
          ) : null}
        </div>
      ) : null}
      {start.error ? (
        <div className="form-error" role="alert">
          {start.error.message}
        </div>
      ) : null}

      <div className="join-actions">
        <button type="submit" className="button primary" disabled={running || !input}>
          {running ? 'Adding…' : 'Add over SSH'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Done
        </button>
      </div>
    </form>
  );
}

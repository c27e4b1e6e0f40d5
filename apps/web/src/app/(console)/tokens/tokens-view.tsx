'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { NameSchema, ScopeSchema } from '../../../server/trpc/schemas.ts';
import { formatAgo } from '../../format.ts';
import { useTRPC } from '../../trpc.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Field, invalidProps, schemaError } from '../../ui/field.tsx';
import { FormError, QueryState } from '../../ui/query-state.tsx';
import { useNow } from '../../ui/use-now.ts';

export function TokensView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(10_000);
  const tokens = useQuery(trpc.tokens.list.queryOptions({}));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const [name, setName] = useState('');
  const [scope, setScope] = useState<(typeof ScopeSchema.options)[number]>('read');
  const [days, setDays] = useState('90');
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSettled: refresh }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSettled: refresh }));
  const nameError = name ? schemaError(NameSchema, name) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (schemaError(NameSchema, name)) return;
    create.mutate({ name, scope, ...(days ? { expiresInDays: Number(days) } : {}) });
    setName('');
  };
  return (
    <main className="page">
      <div className="page-head">
        <h1>API tokens</h1>
      </div>
      <form className="panel form-panel" onSubmit={submit} aria-label="New API token">
        <div className="form-grid">
          <Field id="token-name" label="Name" error={nameError}>
            <input
              id="token-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              {...invalidProps('token-name', nameError)}
            />
          </Field>
          <Field id="token-scope" label="Scope">
            <select
              id="token-scope"
              value={scope}
              onChange={(e) => setScope(ScopeSchema.parse(e.target.value))}
            >
              {ScopeSchema.options.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field id="token-days" label="Expires after (days, empty: never)">
            <input
              id="token-days"
              type="number"
              min={1}
              max={3650}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </Field>
        </div>
        <button type="submit" className="button primary" disabled={create.isPending}>
          Create token
        </button>
        <FormError error={create.error} />
        {create.data ? (
          <div className="join-box" style={{ position: 'static', marginTop: 12 }} data-testid="new-token">
            <p>Copy it now: it is shown only once.</p>
            <code>{create.data.token}</code>
          </div>
        ) : null}
      </form>
      <FormError error={revoke.error} />
      <h2 className="section">Tokens</h2>
      <QueryState
        query={tokens}
        what="the tokens"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No API tokens</h2>
            <p>Scripts and the REST API authenticate with a token: `Authorization: Bearer …`.</p>
          </>
        }
      >
        {(list) => (
          <DataTable label="API tokens" columns={['Name', 'Scope', 'Expires', 'Last used', 'Actions']}>
            {list.map((token) => (
              <tr key={token.id} data-testid="token-row">
                <td className="host-name">{token.name}</td>
                <td>
                  <span className="badge">{token.scope}</span>
                </td>
                <td>{token.expiresAt ? new Date(token.expiresAt).toLocaleDateString() : 'never'}</td>
                <td>{formatAgo(token.lastUsedAt, now)}</td>
                <td>
                  <ConfirmButton
                    className="button small danger"
                    label="Revoke"
                    title={`Revoke ${token.name}?`}
                    confirmLabel="Revoke token"
                    onConfirm={() => revoke.mutate({ tokenId: token.id })}
                  >
                    Anything using this token stops working at once.
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

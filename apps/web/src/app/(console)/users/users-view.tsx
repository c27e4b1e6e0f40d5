'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { NameSchema, PasswordSchema, RoleSchema } from '../../../server/trpc/schemas.ts';
import { useTRPC } from '../../trpc.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Field, invalidProps, schemaError } from '../../ui/field.tsx';
import { FormError, QueryState } from '../../ui/query-state.tsx';

const ROLES = RoleSchema.options;

function NewUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<(typeof ROLES)[number]>('viewer');
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
        setUsername('');
        setPassword('');
        onClose();
      },
    }),
  );
  const usernameError = username ? schemaError(NameSchema, username) : null;
  const passwordError = password ? schemaError(PasswordSchema, password) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!schemaError(NameSchema, username) && !schemaError(PasswordSchema, password))
      create.mutate({ username, password, role });
  };
  return (
    <Dialog open={open} title="New user" onClose={onClose}>
      <form onSubmit={submit} aria-label="New user">
        <div className="dialog-body">
          <FormError error={create.error} />
          <Field id="new-username" label="Username" error={usernameError}>
            <input
              id="new-username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              {...invalidProps('new-username', usernameError)}
            />
          </Field>
          <Field id="new-user-password" label="Initial password" error={passwordError}>
            <input
              id="new-user-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              {...invalidProps('new-user-password', passwordError)}
            />
          </Field>
          <Field id="new-user-role" label="Role">
            <select
              id="new-user-role"
              value={role}
              onChange={(e) => setRole(RoleSchema.parse(e.target.value))}
            >
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={create.isPending}>
            Create user
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function UsersView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const [adding, setAdding] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSettled: refresh }));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.users.delete.mutationOptions({ onSettled: refresh }));
  const failure = setRole.error ?? setDisabled.error ?? remove.error;
  return (
    <section aria-labelledby="users-heading">
      <div className="page-head">
        <h2 id="users-heading" className="section">
          Users
        </h2>
        <button type="button" className="button primary" onClick={() => setAdding(true)}>
          New user
        </button>
      </div>
      <FormError error={failure} />
      <QueryState
        query={users}
        what="the users"
        isEmpty={(list) => list.length === 0}
        empty={<h2>No users</h2>}
      >
        {(list) => (
          <DataTable label="Users" columns={['Username', 'Role', 'Status', 'Actions']}>
            {list.map((user) => (
              <tr key={user.id} data-testid="user-row">
                <td className="host-name">{user.username}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.username}`}
                    value={user.role}
                    onChange={(e) =>
                      setRole.mutate({ userId: user.id, role: RoleSchema.parse(e.target.value) })
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>
                  <span className={`status ${user.disabledAt ? 'offline' : 'online'}`}>
                    {user.disabledAt ? 'Disabled' : 'Active'}
                  </span>
                </td>
                <td className="join-actions">
                  <button
                    type="button"
                    className="button small"
                    onClick={() => setDisabled.mutate({ userId: user.id, disabled: !user.disabledAt })}
                  >
                    {user.disabledAt ? 'Enable' : 'Disable'}
                  </button>
                  <ConfirmButton
                    className="button small danger"
                    label="Delete"
                    title={`Delete ${user.username}?`}
                    confirmLabel="Delete user"
                    onConfirm={() => remove.mutate({ userId: user.id })}
                  >
                    The account, its sessions and its API tokens are removed.
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
      <NewUserDialog open={adding} onClose={() => setAdding(false)} />
    </section>
  );
}

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { NameSchema } from '../../../server/trpc/schemas.ts';
import { useTRPC } from '../../trpc.tsx';
import { ConfirmButton } from '../../ui/confirm-button.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Field, invalidProps, schemaError } from '../../ui/field.tsx';
import { FormError, QueryState } from '../../ui/query-state.tsx';

export function TeamsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.teams.create.mutationOptions({ onSuccess: () => setName(''), onSettled: refresh }),
  );
  const remove = useMutation(trpc.teams.delete.mutationOptions({ onSettled: refresh }));
  const addMember = useMutation(trpc.teams.addMember.mutationOptions({ onSettled: refresh }));
  const removeMember = useMutation(trpc.teams.removeMember.mutationOptions({ onSettled: refresh }));
  const nameError = name ? schemaError(NameSchema, name) : null;
  const failure = create.error ?? remove.error ?? addMember.error ?? removeMember.error;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!schemaError(NameSchema, name)) create.mutate({ name });
  };
  return (
    <section aria-labelledby="teams-heading">
      <h2 id="teams-heading" className="section">
        Teams
      </h2>
      <form className="toolbar" onSubmit={submit} aria-label="New team">
        <Field id="team-name" label="New team" error={nameError}>
          <input
            id="team-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            {...invalidProps('team-name', nameError)}
          />
        </Field>
        <button type="submit" className="button primary" disabled={create.isPending}>
          Create team
        </button>
      </form>
      <FormError error={failure} />
      <QueryState
        query={teams}
        what="the teams"
        isEmpty={(list) => list.length === 0}
        empty={
          <>
            <h2>No teams yet</h2>
            <p>Teams collect users so a grant can name many at once.</p>
          </>
        }
      >
        {(list) => (
          <DataTable label="Teams" columns={['Team', 'Members', 'Actions']}>
            {list.map((team) => (
              <tr key={team.id}>
                <td className="host-name">{team.name}</td>
                <td>
                  {team.members.map((member) => (
                    <button
                      key={member.id}
                      type="button"
                      className="button small"
                      aria-label={`Remove ${member.username} from ${team.name}`}
                      onClick={() => removeMember.mutate({ teamId: team.id, userId: member.id })}
                    >
                      {member.username} ×
                    </button>
                  ))}
                  <select
                    aria-label={`Add a member to ${team.name}`}
                    value=""
                    onChange={(e) =>
                      e.target.value && addMember.mutate({ teamId: team.id, userId: e.target.value })
                    }
                  >
                    <option value="">Add member…</option>
                    {users.data
                      ?.filter((user) => !team.members.some((member) => member.id === user.id))
                      .map((user) => (
                        <option key={user.id} value={user.id}>
                          {user.username}
                        </option>
                      ))}
                  </select>
                </td>
                <td>
                  <ConfirmButton
                    className="button small danger"
                    label="Delete"
                    title={`Delete team ${team.name}?`}
                    confirmLabel="Delete team"
                    onConfirm={() => remove.mutate({ teamId: team.id })}
                  >
                    Its grants go with it; its members keep their accounts.
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryState>
    </section>
  );
}

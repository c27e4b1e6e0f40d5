import { z } from 'zod';
import { createTeam, deleteTeam, listTeams, setTeamMember } from '../../teams/manage-teams.ts';
import { adminProcedure, router } from '../init.ts';
import { Id, NameSchema, Ok } from '../schemas.ts';

const MemberInput = z.object({ teamId: Id, userId: Id });
const MemberOutput = z.object({ teamId: z.string(), userId: z.string(), member: z.boolean() });

export const teamsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/teams', summary: 'Teams and their members' } })
    .output(
      z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          members: z.array(z.object({ id: z.string(), username: z.string() })),
        }),
      ),
    )
    .query(({ ctx }) => listTeams(ctx.deps.db)),

  create: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/teams', summary: 'Create a team' } })
    .input(z.object({ name: NameSchema }))
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => createTeam(ctx.deps.db, ctx.user, input)),

  delete: adminProcedure
    .meta({
      openapi: { method: 'DELETE', path: '/teams/{teamId}', summary: 'Delete a team (and its grants)' },
    })
    .input(z.object({ teamId: Id }))
    .output(Ok)
    .mutation(({ ctx, input }) => deleteTeam(ctx.deps.db, ctx.user, input)),

  addMember: adminProcedure
    .meta({
      openapi: { method: 'PUT', path: '/teams/{teamId}/members/{userId}', summary: 'Add a user to a team' },
    })
    .input(MemberInput)
    .output(MemberOutput)
    .mutation(({ ctx, input }) => setTeamMember(ctx.deps.db, ctx.user, { ...input, member: true })),

  removeMember: adminProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/teams/{teamId}/members/{userId}',
        summary: 'Remove a user from a team',
      },
    })
    .input(MemberInput)
    .output(MemberOutput)
    .mutation(({ ctx, input }) => setTeamMember(ctx.deps.db, ctx.user, { ...input, member: false })),
});

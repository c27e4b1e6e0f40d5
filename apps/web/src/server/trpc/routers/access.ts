/** Host groups and grants: who may do what on which hosts (global admins only). */
import { z } from 'zod';
import { LabelsSchema } from '../../access/labels.ts';
import { createGrant, deleteGrant, listGrants } from '../../access/manage-grants.ts';
import {
  createHostGroup,
  deleteHostGroup,
  listHostGroups,
  setHostGroupMember,
} from '../../access/manage-host-groups.ts';
import { adminProcedure, router } from '../init.ts';
import { CapabilitySchema, Id, NameSchema, Ok, RoleSchema } from '../schemas.ts';

const HostGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  matchLabels: LabelsSchema,
  hostIds: z.array(z.string()),
});
const GrantSchema = z.object({
  id: z.string(),
  hostGroupId: z.string(),
  userId: z.string().nullable(),
  teamId: z.string().nullable(),
  role: RoleSchema,
  add: z.array(CapabilitySchema),
  remove: z.array(CapabilitySchema),
});
const GroupMemberInput = z.object({ hostGroupId: Id, hostId: Id });

export const hostGroupsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/host-groups', summary: 'Host groups' } })
    .output(z.array(HostGroupSchema))
    .query(({ ctx }) => listHostGroups(ctx.deps.db)),

  create: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/host-groups', summary: 'Create a host group' } })
    .input(
      z.object({
        name: NameSchema,
        matchLabels: LabelsSchema.default({}),
        hostIds: z.array(Id).max(10_000).default([]),
      }),
    )
    .output(HostGroupSchema)
    .mutation(({ ctx, input }) => createHostGroup(ctx.deps.db, ctx.user, input)),

  addHost: adminProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/host-groups/{hostGroupId}/hosts/{hostId}',
        summary: 'Add a host to a group',
      },
    })
    .input(GroupMemberInput)
    .output(HostGroupSchema)
    .mutation(({ ctx, input }) => setHostGroupMember(ctx.deps.db, ctx.user, { ...input, member: true })),

  removeHost: adminProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/host-groups/{hostGroupId}/hosts/{hostId}',
        summary: 'Remove a host from a group',
      },
    })
    .input(GroupMemberInput)
    .output(HostGroupSchema)
    .mutation(({ ctx, input }) => setHostGroupMember(ctx.deps.db, ctx.user, { ...input, member: false })),

  delete: adminProcedure
    .meta({
      openapi: { method: 'DELETE', path: '/host-groups/{hostGroupId}', summary: 'Delete a host group' },
    })
    .input(z.object({ hostGroupId: Id }))
    .output(Ok)
    .mutation(({ ctx, input }) => deleteHostGroup(ctx.deps.db, ctx.user, input)),
});

export const grantsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/grants', summary: 'Grants, optionally filtered' } })
    .input(z.object({ userId: Id.optional(), teamId: Id.optional(), hostGroupId: Id.optional() }))
    .output(z.array(GrantSchema))
    .query(({ ctx, input }) => listGrants(ctx.deps.db, input)),

  create: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/grants', summary: 'Grant a role on a host group' } })
    .input(
      z.object({
        hostGroupId: Id,
        userId: Id.optional(),
        teamId: Id.optional(),
        role: RoleSchema,
        add: z.array(CapabilitySchema).default([]),
        remove: z.array(CapabilitySchema).default([]),
      }),
    )
    .output(GrantSchema)
    .mutation(({ ctx, input }) => createGrant(ctx.deps.db, ctx.user, input)),

  delete: adminProcedure
    .meta({ openapi: { method: 'DELETE', path: '/grants/{grantId}', summary: 'Revoke a grant' } })
    .input(z.object({ grantId: Id }))
    .output(Ok)
    .mutation(({ ctx, input }) => deleteGrant(ctx.deps.db, ctx.user, input)),
});

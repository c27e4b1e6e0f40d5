import { z } from 'zod';
import {
  createUser,
  deleteUser,
  listUsers,
  resetUserPassword,
  setUserDisabled,
  setUserRole,
} from '../../users/manage-users.ts';
import { adminProcedure, router } from '../init.ts';
import { Id, NameSchema, Ok, PasswordSchema, RoleSchema } from '../schemas.ts';

const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: RoleSchema,
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});

export const usersRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/users', summary: 'All accounts' } })
    .output(z.array(UserSchema))
    .query(({ ctx }) => listUsers(ctx.deps.db)),

  create: adminProcedure
    .meta({ openapi: { method: 'POST', path: '/users', summary: 'Create an account' } })
    .input(z.object({ username: NameSchema, password: PasswordSchema, role: RoleSchema }))
    .output(UserSchema)
    .mutation(({ ctx, input }) => createUser(ctx.deps.db, ctx.user, input)),

  setRole: adminProcedure
    .meta({
      openapi: { method: 'PUT', path: '/users/{userId}/role', summary: "Change an account's global role" },
    })
    .input(z.object({ userId: Id, role: RoleSchema }))
    .output(UserSchema)
    .mutation(({ ctx, input }) => setUserRole(ctx.deps.db, ctx.user, input)),

  setDisabled: adminProcedure
    .meta({
      openapi: { method: 'PUT', path: '/users/{userId}/disabled', summary: 'Disable or enable an account' },
    })
    .input(z.object({ userId: Id, disabled: z.boolean() }))
    .output(UserSchema)
    .mutation(({ ctx, input }) => setUserDisabled(ctx.deps.db, ctx.user, input)),

  resetPassword: adminProcedure
    .meta({
      openapi: { method: 'POST', path: '/users/{userId}/password', summary: "Set an account's password" },
    })
    .input(z.object({ userId: Id, newPassword: PasswordSchema }))
    .output(Ok)
    .mutation(({ ctx, input }) => resetUserPassword(ctx.deps.db, ctx.user, input)),

  delete: adminProcedure
    .meta({ openapi: { method: 'DELETE', path: '/users/{userId}', summary: 'Delete an account' } })
    .input(z.object({ userId: Id }))
    .output(Ok)
    .mutation(({ ctx, input }) => deleteUser(ctx.deps.db, ctx.user, input)),
});

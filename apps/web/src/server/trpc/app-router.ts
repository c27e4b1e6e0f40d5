import { router } from './init.ts';
import { grantsRouter, hostGroupsRouter } from './routers/access.ts';
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { hostsRouter } from './routers/hosts.ts';
import { teamsRouter } from './routers/teams.ts';
import { tokensRouter } from './routers/tokens.ts';
import { usersRouter } from './routers/users.ts';

export const appRouter = router({
  auth: authRouter,
  hosts: hostsRouter,
  users: usersRouter,
  teams: teamsRouter,
  hostGroups: hostGroupsRouter,
  grants: grantsRouter,
  tokens: tokensRouter,
  audit: auditRouter,
});

/** The only thing the browser imports from the server: a type. */
export type AppRouter = typeof appRouter;

import { router } from './init.ts';
import { grantsRouter, hostGroupsRouter } from './routers/access.ts';
import { auditRouter } from './routers/audit.ts';
import { authRouter } from './routers/auth.ts';
import { containersRouter } from './routers/containers.ts';
import { hostSshRouter } from './routers/host-ssh.ts';
import { hostsRouter } from './routers/hosts.ts';
import { imagesRouter } from './routers/images.ts';
import { networksRouter } from './routers/networks.ts';
import { teamsRouter } from './routers/teams.ts';
import { terminalsRouter } from './routers/terminals.ts';
import { tokensRouter } from './routers/tokens.ts';
import { usersRouter } from './routers/users.ts';
import { volumesRouter } from './routers/volumes.ts';

export const appRouter = router({
  auth: authRouter,
  hosts: hostsRouter,
  hostSsh: hostSshRouter,
  users: usersRouter,
  teams: teamsRouter,
  hostGroups: hostGroupsRouter,
  grants: grantsRouter,
  tokens: tokensRouter,
  audit: auditRouter,
  containers: containersRouter,
  images: imagesRouter,
  volumes: volumesRouter,
  networks: networksRouter,
  terminals: terminalsRouter,
});

/** The only thing the browser imports from the server: a type. */
export type AppRouter = typeof appRouter;

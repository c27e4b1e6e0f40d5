import { router } from './init.ts';
import { authRouter } from './routers/auth.ts';
import { hostSshRouter } from './routers/host-ssh.ts';
import { hostsRouter } from './routers/hosts.ts';

export const appRouter = router({ auth: authRouter, hosts: hostsRouter, hostSsh: hostSshRouter });

/** The only thing the browser imports from the server: a type. */
export type AppRouter = typeof appRouter;

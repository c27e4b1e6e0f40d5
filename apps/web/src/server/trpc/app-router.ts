import { router } from './init.ts';
import { authRouter } from './routers/auth.ts';
import { containersRouter } from './routers/containers.ts';
import { hostsRouter } from './routers/hosts.ts';
import { imagesRouter } from './routers/images.ts';
import { terminalsRouter } from './routers/terminals.ts';
import { volumesRouter } from './routers/volumes.ts';

export const appRouter = router({
  auth: authRouter,
  hosts: hostsRouter,
  containers: containersRouter,
  images: imagesRouter,
  volumes: volumesRouter,
  terminals: terminalsRouter,
});

/** The only thing the browser imports from the server: a type. */
export type AppRouter = typeof appRouter;

import { createServer } from 'node:net';
import { LaunchError } from './launch-error.ts';

/** Fails fast, before anything starts, when the port is taken. */
export async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new LaunchError(
          err.code === 'EADDRINUSE'
            ? `port ${port} is already in use (set PORT to another port)`
            : `cannot listen on ${host}:${port}: ${err.code ?? err.message}`,
        ),
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect, type Server } from 'node:net';
import { dirname } from 'node:path';

function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/**
 * Listens on a unix socket owned by root with mode 0660: whoever can write to
 * it controls the host. A socket file left by a dead agent is replaced; a live
 * one is an error.
 */
export async function listenUnix(server: Server, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  if (existsSync(path)) {
    if (await socketInUse(path)) throw new Error(`${path} is already served by another process`);
    unlinkSync(path);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o660);
}

import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { RegistryAuth } from './credentials.ts';

const AuthFile = z.object({
  version: z.literal(1),
  /** registry host as in references (`docker.io`, `localhost:5000`) → credentials */
  auths: z.record(z.string(), RegistryAuth),
});
type AuthFile = z.infer<typeof AuthFile>;

/**
 * `docker login` credentials kept by the agent in <data root>/agent/registry-auth.json,
 * mode 0600 (the directory is made 0700 when missing): only root reads them. Passwords are stored
 * as given (Docker's config.json keeps them base64-encoded, which hides
 * nothing); the file's mode is the protection.
 */
export class CredentialStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async get(host: string): Promise<RegistryAuth | undefined> {
    return (await this.read()).auths[host];
  }

  async hosts(): Promise<string[]> {
    return Object.keys((await this.read()).auths);
  }

  set(host: string, auth: RegistryAuth): Promise<void> {
    return this.update((f) => {
      f.auths[host] = auth;
    });
  }

  /** true when credentials were there to remove */
  remove(host: string): Promise<boolean> {
    return this.update((f) => {
      const had = host in f.auths;
      delete f.auths[host];
      return had;
    });
  }

  private async read(): Promise<AuthFile> {
    let raw: string;
    try {
      raw = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, auths: {} };
      throw err;
    }
    try {
      return AuthFile.parse(JSON.parse(raw));
    } catch (err) {
      throw new EngineError('internal', `${this.file} is damaged; remove it and log in again`, {
        cause: err,
      });
    }
  }

  private update<T>(fn: (f: AuthFile) => T): Promise<T> {
    const run = async () => {
      const f = await this.read();
      const result = fn(f);
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, JSON.stringify(f), { mode: 0o600 });
      return result;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => {});
    return p;
  }
}

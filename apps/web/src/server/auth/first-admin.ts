/**
 * The first admin: created once, when the database has no user, with a random password that is
 * written (mode 0600) to the data directory and shown at every start until it is changed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordAudit } from '../audit/record-audit.ts';
import type { Deps } from '../deps.ts';
import { hashPassword, verifyPassword } from './password.ts';

export const FIRST_ADMIN_USERNAME = 'admin';
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export interface InitialLogin {
  username: string;
  password: string;
  file: string;
}

/** Creates the first admin when there is no user; returns the login while its password is unchanged. */
export async function ensureFirstAdmin(
  deps: Pick<Deps, 'db' | 'log'>,
  dataDir: string,
): Promise<InitialLogin | undefined> {
  const file = join(dataDir, INITIAL_PASSWORD_FILE);
  if ((await deps.db.user.count()) === 0) {
    const password = randomBytes(15).toString('base64url');
    // Written before the user exists: a crash in between leaves a file and no user, and the next
    // start simply makes a new pair; never a user whose password nobody knows.
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    try {
      const user = await deps.db.user.create({
        data: { username: FIRST_ADMIN_USERNAME, passwordHash: await hashPassword(password), role: 'admin' },
      });
      await recordAudit(deps.db, {
        actorKind: 'system',
        actor: 'system',
        action: 'user.create',
        target: user.username,
        result: 'success',
        detail: { reason: 'first start' },
      });
      deps.log(`created the first admin account "${FIRST_ADMIN_USERNAME}"`);
    } catch (err) {
      // Another control plane on the same database won the race; its admin stands.
      if ((await deps.db.user.count()) === 0) throw err;
    }
  }
  if (!existsSync(file)) return undefined;
  const password = readFileSync(file, 'utf8').trim();
  const admin = await deps.db.user.findUnique({
    where: { username: FIRST_ADMIN_USERNAME },
    select: { passwordHash: true },
  });
  if (admin && (await verifyPassword(admin.passwordHash, password))) {
    return { username: FIRST_ADMIN_USERNAME, password, file };
  }
  rmSync(file, { force: true }); // changed since: the file would only mislead
  return undefined;
}

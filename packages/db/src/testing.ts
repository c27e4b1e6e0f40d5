/**
 * For tests only: a real, throwaway PostgreSQL (the embedded one) in /tmp/berthtest-*, migrated,
 * removed again by `stop()`. Each test file gets its own cluster, so files run in parallel.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { applyMigrations } from './migrate.ts';

export interface TestDatabase {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

export async function startTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'berthtest-db-'));
  chmodSync(dir, 0o755); // mkdtemp makes it 0700; the postgres user must traverse it
  let postgres: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    postgres = await startEmbeddedPostgres({ baseDir: join(dir, 'postgres'), database: 'berthtest' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = async () => {
    await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (options.migrate ?? true) await applyMigrations(postgres.url);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: postgres.url, dir, stop };
}

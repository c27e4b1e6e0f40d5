/** The database `npm start` uses: DATABASE_URL when set (checked reachable), else embedded PostgreSQL. */
import { join } from 'node:path';
import { EmbeddedPostgresError, startEmbeddedPostgres } from '@berth/db/embedded';
import pg from 'pg';
import { LaunchError } from './launch-error.ts';

export interface Database {
  url: string;
  description: string;
  stop(): Promise<void>;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new LaunchError(`DATABASE_URL is unreachable (${redact(url)}): ${reason}`);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function openDatabase(
  options: { databaseUrl: string | undefined; dataDir: string },
  log: (message: string) => void,
): Promise<Database> {
  if (options.databaseUrl) {
    await checkReachable(options.databaseUrl);
    return { url: options.databaseUrl, description: redact(options.databaseUrl), stop: async () => {} };
  }
  try {
    const running = await startEmbeddedPostgres({
      baseDir: join(options.dataDir, 'postgres'),
      // We hold the data directory's lock, so a live postmaster there is an orphan of a killed run.
      takeOverOrphan: true,
      log,
    });
    return {
      url: running.url,
      description: `embedded PostgreSQL on 127.0.0.1:${running.port}`,
      stop: running.stop,
    };
  } catch (err) {
    if (err instanceof EmbeddedPostgresError) throw new LaunchError(`embedded PostgreSQL: ${err.message}`);
    throw err;
  }
}

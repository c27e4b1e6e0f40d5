/**
 * The local agent `npm start` runs beside the control plane, as a child process. It joins with a
 * one-time token on its first start and keeps its credential in its data root; later starts pass
 * no token (the agent would ignore it anyway, and an unused token would linger in the database).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '@berth/db';
import { createJoinToken } from '../hosts/create-join-token.ts';

export interface LocalAgent {
  pid: number | undefined;
  /** SIGTERM, then SIGKILL after the grace period; resolves when it has exited. */
  stop(): Promise<void>;
}

export interface LocalAgentOptions {
  repoRoot: string;
  dataDir: string;
  controlPlaneUrl: string;
  db: Db;
  log: (message: string) => void;
}

/** Where the agent keeps its credential (agent/src/link/credential-store.ts, under layout.agent). */
export function agentCredentialFile(agentDataRoot: string): string {
  return join(agentDataRoot, 'agent', 'credential.json');
}

function prefixLines(child: ChildProcess, log: (m: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk) => {
      buffered += String(chunk);
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line) log(`agent: ${line}`);
    });
  }
}

export async function startLocalAgent(options: LocalAgentOptions): Promise<LocalAgent | undefined> {
  const main = join(options.repoRoot, 'agent', 'src', 'main.ts');
  if (!existsSync(main)) {
    options.log('agent/src/main.ts is missing: no local agent');
    return undefined;
  }
  const dataRoot = join(options.dataDir, 'agent');
  const args = [
    '--import',
    'tsx',
    main,
    '--data-root',
    dataRoot,
    '--docker-socket',
    join(options.dataDir, 'docker.sock'),
    '--control-plane',
    options.controlPlaneUrl,
  ];
  if (!existsSync(agentCredentialFile(dataRoot))) {
    const { token } = await createJoinToken(options.db, {
      createdBy: null,
      ttlMs: 15 * 60_000,
      note: 'local agent (npm start)',
    });
    args.push('--join-token', token);
  }
  const child = spawn(process.execPath, args, { cwd: options.repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixLines(child, options.log);
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!stopping) options.log(`agent exited unexpectedly (${signal ?? `code ${code}`})`);
      resolve();
    });
    child.once('error', (err) => {
      options.log(`agent could not start: ${err.message}`);
      resolve();
    });
  });
  return {
    pid: child.pid,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

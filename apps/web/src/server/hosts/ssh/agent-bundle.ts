/**
 * The agent bundle uploaded to a host added over SSH: a gzipped tar of what the agent runs from
 * (its sources, the workspace packages it imports, the install scripts) plus the npm packages it
 * needs at run time, taken from this checkout's node_modules. Remote hosts are often offline, so
 * the bundle is complete: `node_modules/.berth-lock-hash` says the bundled lockfile's packages are
 * in place and ensure-installed.sh on the remote runs no npm (it still checks Node, installs
 * missing Debian packages and builds the native helper there, for that host's libc and arch).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..', '..', '..');

/** What the agent runs from, relative to the repository root. */
const SOURCES = [
  'package.json',
  'package-lock.json',
  'agent',
  'packages/protocol',
  'packages/process',
  'scripts/ensure-installed.sh',
  'scripts/prepare.ts',
  'infra',
  'node_modules/@berth/agent',
  'node_modules/@berth/protocol',
  'node_modules/@berth/process',
];
/** npm packages the agent imports at run time, and tsx that runs its TypeScript. */
const RUNTIME_PACKAGES = ['tsx', 'ws', 'zod', 'tar-stream'];
const EXCLUDES = ['agent/native/build', '*.test.ts', 'node_modules/.berth-stamps'];

/** The runtime packages and everything they depend on, as node_modules paths (node's lookup). */
function runtimePackageDirs(root: string = REPO_ROOT): string[] {
  const found = new Set<string>();
  const visit = (name: string, from: string): void => {
    // Node looks in the requiring package's own node_modules first, then in the hoisted one.
    const candidates = [join(from, 'node_modules', name), join('node_modules', name)];
    const dir = candidates.find((c) => existsSync(join(root, c, 'package.json')));
    if (!dir || found.has(dir)) return; // a missing optional dependency (another platform's build)
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }))
      visit(dep, dir);
  };
  for (const name of RUNTIME_PACKAGES) visit(name, '');
  return [...found].sort();
}

export interface AgentBundle {
  stream: Readable;
  /** Resolves when tar has exited (rejects with its stderr when it failed); removes the staging dir. */
  done: Promise<void>;
}

/** Streams the bundle as .tar.gz (GNU tar, so file modes, symlinks and the esbuild binary survive). */
export async function packAgentBundle(root: string = REPO_ROOT): Promise<AgentBundle> {
  const staging = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
  const lockHash = createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');
  await mkdir(join(staging, 'node_modules'));
  writeFileSync(join(staging, 'node_modules', '.berth-lock-hash'), `${lockHash}\n`);
  const list = [...SOURCES, ...runtimePackageDirs(root)];
  const excludes = EXCLUDES.map((e) => `--exclude=${e}`);
  const tar = spawn(
    'tar',
    [
      ...excludes,
      '-czf',
      '-',
      '-C',
      root,
      '--null',
      '-T',
      '-',
      '-C',
      staging,
      'node_modules/.berth-lock-hash',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  tar.stdin.end(list.map((entry) => `${entry}\0`).join(''));
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', (code) => {
      rmSync(staging, { recursive: true, force: true });
      if (code === 0) resolve();
      else reject(new Error(`packing the agent bundle failed: ${stderr.trim() || `tar exited ${code}`}`));
    });
  });
  return { stream: tar.stdout, done };
}

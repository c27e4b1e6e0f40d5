/**
 * Builds the Next.js pages when the build is missing or older than its sources. The stamp is a
 * hash of every input, so a `git pull` that changes a page rebuilds and one that does not, does not.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { LaunchError } from './launch-error.ts';

function listFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, out);
    else if (!entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

export function buildInputsHash(webDir: string, repoRoot: string): string {
  const files = [
    ...listFiles(join(webDir, 'src')),
    join(webDir, 'next.config.ts'),
    join(webDir, 'package.json'),
    join(webDir, 'tsconfig.json'),
    join(repoRoot, 'tsconfig.base.json'),
    join(repoRoot, 'package-lock.json'),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(repoRoot, file)).update('\0');
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

export async function buildWebIfStale(
  webDir: string,
  repoRoot: string,
  log: (m: string) => void,
): Promise<boolean> {
  const stamp = join(webDir, '.next', 'berth-build-stamp');
  const wanted = buildInputsHash(webDir, repoRoot);
  if (
    existsSync(join(webDir, '.next', 'BUILD_ID')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === wanted
  ) {
    return false;
  }
  log('building the web UI (next build)…');
  const started = Date.now();
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const output: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: webDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => output.push(String(chunk)));
    child.stderr.on('data', (chunk) => output.push(String(chunk)));
    child.once('exit', (status) => resolve(status ?? 1));
    child.once('error', () => resolve(1));
  });
  if (code !== 0) {
    process.stderr.write(output.join('').split('\n').slice(-40).join('\n'));
    throw new LaunchError('next build failed (its output is above)');
  }
  writeFileSync(stamp, wanted);
  log(`built the web UI in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/**
 * Builds what is generated from sources, only when those sources changed:
 * the Prisma client from prisma/schema.prisma and the native helper in agent/native.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const stamps = join(root, 'node_modules', '.berth-stamps');
mkdirSync(stamps, { recursive: true });

function hashFiles(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(existsSync(file) ? readFileSync(file) : '');
  return hash.digest('hex');
}

function step(name: string, inputs: string[], output: string, cmd: string, args: string[]): void {
  const stamp = join(stamps, name);
  const hash = hashFiles(inputs.map((f) => join(root, f)));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(join(root, output))) return;
  const result = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.error(`berth: ${name} failed`);
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, hash);
}

if (existsSync(join(root, 'prisma/schema.prisma'))) {
  step(
    'prisma-generate',
    ['prisma/schema.prisma', 'prisma.config.ts', 'package-lock.json'],
    'packages/db/src/generated/prisma',
    'npx',
    ['prisma', 'generate'],
  );
}
if (existsSync(join(root, 'agent/native/Makefile'))) {
  // make itself knows what is stale; it also explains which Debian package is missing.
  const result = spawnSync('make', ['-s', '-C', 'agent/native'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

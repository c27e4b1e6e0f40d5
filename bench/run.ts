/**
 * `npm run bench [-- NAME…]`: runs the benchmarks (all, or those named), one
 * process each, so one bench's leftovers never colour the next one's figures.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const skip = new Set(['run.ts', 'stats.ts']);
const all = readdirSync(import.meta.dirname).filter(
  (f) => f.endsWith('.ts') && !skip.has(f) && !f.endsWith('.test.ts'),
);
const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f.startsWith(w)));
let failed = 0;
for (const file of chosen.sort()) {
  console.log(`\n── ${file} ──`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, file)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);

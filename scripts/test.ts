/**
 * `npm test`: type-check, lint, every node:test suite, then the browser suite.
 * Ends with its own line `N passed, N failed` summed over everything.
 *
 *   npm test                      everything
 *   npm test -- agent/src/engine  only node:test files under these paths (no typecheck/lint/e2e)
 *   BERTH_TEST_SKIP=e2e npm test  leave a stage out while iterating (never in CI)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function check(name: string, cmd: string, args: string[]): void {
  console.log(`\n── ${name} ──`);
  if (run(cmd, args) === 0) totals.passed++;
  else {
    totals.failed++;
    failures.push(name);
  }
}

function findTests(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === '.next' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (entry.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

function nodeSuites(paths: string[]): void {
  const files = paths.flatMap((p) => (p.endsWith('.test.ts') ? [p] : findTests(join(root, p), []))).sort();
  console.log(`\n── node:test (${files.length} files) ──`);
  if (files.length === 0) return;
  const scratch = mkdtempSync(join(tmpdir(), 'berth-test-'));
  const countsFile = join(scratch, 'counts.json');
  const status = run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-timeout=300000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/test-count-reporter.mjs')}`,
    `--test-reporter-destination=${countsFile}`,
    ...files,
  ]);
  let counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  } catch {
    counts.failed = 1; // the runner died before reporting: that is a failure, not zero tests
  }
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  rmSync(scratch, { recursive: true, force: true });
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (counts.failed > 0) failures.push(`node:test (${counts.failed} failed)`);
}

function e2eSuite(): void {
  console.log('\n── e2e (Playwright, Chromium) ──');
  const scratch = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  const report = join(scratch, 'report.json');
  const status = run(
    'npx',
    ['playwright', 'test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'],
    {
      PLAYWRIGHT_JSON_OUTPUT_NAME: report,
    },
  );
  let stats = { expected: 0, unexpected: 0, flaky: 0, skipped: 0 };
  try {
    stats = JSON.parse(readFileSync(report, 'utf8')).stats;
  } catch {
    stats.unexpected = 1;
  }
  if (status !== 0 && stats.unexpected === 0) stats.unexpected = 1;
  rmSync(scratch, { recursive: true, force: true });
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  if (stats.unexpected > 0) failures.push(`e2e (${stats.unexpected} failed)`);
}

const only = process.argv.slice(2);
const skip = new Set((process.env.BERTH_TEST_SKIP ?? '').split(',').filter(Boolean));
if (only.length > 0) {
  nodeSuites(only);
} else {
  if (!skip.has('typecheck')) {
    check('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
    check('typecheck apps/web', 'npx', ['tsc', '--noEmit', '-p', 'apps/web/tsconfig.json']);
  }
  if (!skip.has('lint')) check('lint', 'npx', ['biome', 'check', '.']);
  if (!skip.has('node')) nodeSuites(['packages', 'agent', 'apps', 'scripts']);
  if (!skip.has('e2e')) e2eSuite();
}

if (failures.length > 0) console.log(`\nfailed: ${failures.join(', ')}`);
console.log(
  `\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(totals.failed > 0 ? 1 : 0);

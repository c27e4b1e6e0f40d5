/**
 * A node:test reporter that writes only the totals, as JSON, so scripts/test.ts
 * can add them to the other suites'. Suites are not counted, only the tests in them.
 * Plain JavaScript: node loads reporters before any --import hook, so tsx cannot help here.
 */
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.data?.details?.type === 'suite') continue;
    if (event.type === 'test:pass') {
      if (event.data.skip || event.data.todo) skipped++;
      else passed++;
    } else if (event.type === 'test:fail') {
      failed++;
    }
  }
  yield `${JSON.stringify({ passed, failed, skipped })}\n`;
}

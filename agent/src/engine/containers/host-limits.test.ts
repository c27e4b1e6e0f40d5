import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostHardLimit } from './host-limits.ts';

const sample = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 20000                files
Max processes             95000                95000                processes
`;

test('hard limits come from /proc/self/limits; unlimited stays unlimited', () => {
  assert.equal(hostHardLimit('RLIMIT_NOFILE', sample), 20000);
  assert.equal(hostHardLimit('RLIMIT_NPROC', sample), 95000);
  assert.equal(hostHardLimit('RLIMIT_CPU', sample), Number.MAX_SAFE_INTEGER);
  assert.ok(hostHardLimit('RLIMIT_NOFILE') > 0, 'reads this process’s own limits');
});

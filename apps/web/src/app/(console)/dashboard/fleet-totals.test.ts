import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fleetTotals } from './fleet-totals.ts';

test('capacity counts online hosts only; the host count counts all', () => {
  const totals = fleetTotals([
    { status: 'online', cpus: 4, memoryBytes: 8 },
    { status: 'offline', cpus: 16, memoryBytes: 64 },
    { status: 'online', cpus: 2, memoryBytes: 4 },
  ]);
  assert.deepEqual(totals, { hosts: 3, online: 2, cpus: 6, memoryBytes: 12 });
  assert.deepEqual(fleetTotals([]), { hosts: 0, online: 0, cpus: 0, memoryBytes: 0 });
});

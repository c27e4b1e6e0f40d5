import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerCounts, fleetTotals } from './fleet-totals.ts';

test('capacity counts online hosts only; the host count counts all', () => {
  const totals = fleetTotals([
    { status: 'online', cpus: 4, memoryBytes: 8 },
    { status: 'offline', cpus: 16, memoryBytes: 64 },
    { status: 'online', cpus: 2, memoryBytes: 4 },
  ]);
  assert.deepEqual(totals, { hosts: 3, online: 2, cpus: 6, memoryBytes: 12 });
  assert.deepEqual(fleetTotals([]), { hosts: 0, online: 0, cpus: 0, memoryBytes: 0 });
});

test('containers are counted per host and in all, running apart', () => {
  const { all, byHost } = containerCounts([
    { hostId: 'a', status: 'running' },
    { hostId: 'a', status: 'exited' },
    { hostId: 'b', status: 'running' },
  ]);
  assert.deepEqual(all, { running: 2, total: 3 });
  assert.deepEqual(byHost.get('a'), { running: 1, total: 2 });
  assert.deepEqual(byHost.get('b'), { running: 1, total: 1 });
  assert.equal(byHost.get('c'), undefined);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerCounts, fleetTotals } from './fleet-totals.ts';

test('capacity counts online hosts only; the host count counts all', () => {
  const totals = fleetTotals([
    { status: 'online', cpus: 4, memoryBytes: 8 },
    { status: 'offline', cpus: 16, memoryBytes: 64 },
    { status: 'online', cpus: 2, memoryBytes: 4 },
  ]);
  assert.deepEqual(totals, {
    hosts: 3,
    online: 2,
    cpus: 6,
    memoryBytes: 12,
    cpuPercent: null,
    memoryUsedBytes: null,
  });
  assert.deepEqual(fleetTotals([]), {
    hosts: 0,
    online: 0,
    cpus: 0,
    memoryBytes: 0,
    cpuPercent: null,
    memoryUsedBytes: null,
  });
});

test('use is weighted by CPUs and summed over reporting online hosts', () => {
  const stats = (cpuPercent: number, total: number, available: number) => ({
    cpuPercent,
    memoryTotalBytes: total,
    memoryAvailableBytes: available,
  });
  const totals = fleetTotals([
    { status: 'online', cpus: 6, memoryBytes: 100, stats: stats(10, 100, 60) },
    { status: 'online', cpus: 2, memoryBytes: 50, stats: stats(50, 50, 10) },
    { status: 'offline', cpus: 8, memoryBytes: 80, stats: null },
    { status: 'online', cpus: 4, memoryBytes: 40, stats: null },
  ]);
  assert.equal(totals.cpuPercent, 20, '(10×6 + 50×2) / 8 CPUs');
  assert.equal(totals.memoryUsedBytes, 80);
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

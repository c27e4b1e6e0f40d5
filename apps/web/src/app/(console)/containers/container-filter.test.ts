import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FilterableContainer, filterContainers, NO_FILTER } from './container-filter.ts';

const row = (name: string, extra: Partial<FilterableContainer> = {}): FilterableContainer => ({
  name,
  image: 'busybox:latest',
  hostName: 'alpha',
  hostId: 'h1',
  status: 'running',
  startedAt: null,
  labels: {},
  ...extra,
});

const rows = [
  row('web', { image: 'nginx:1', labels: { tier: 'front' }, startedAt: '2026-01-02T00:00:00Z' }),
  row('db', { hostName: 'beta', hostId: 'h2', status: 'exited', labels: { tier: 'back' } }),
  row('cache', { startedAt: '2026-01-03T00:00:00Z' }),
];
const names = (list: FilterableContainer[]) => list.map((r) => r.name);

test('search matches name, image or host, case-insensitively', () => {
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, search: 'NGINX' })), ['web']);
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, search: 'beta' })), ['db']);
});

test('host, state and label filters combine', () => {
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, hostId: 'h1' })), ['cache', 'web']);
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, status: 'exited' })), ['db']);
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, label: 'tier' })), ['db', 'web']);
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, label: 'tier=front', hostId: 'h1' })), ['web']);
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, label: 'tier=front', hostId: 'h2' })), []);
});

test('sorts by the chosen column, either way, ties by name', () => {
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, sort: 'started', descending: true })), [
    'cache',
    'web',
    'db',
  ]);
  assert.deepEqual(names(filterContainers(rows, { ...NO_FILTER, sort: 'host' })), ['cache', 'web', 'db']);
});

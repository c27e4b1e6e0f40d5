import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAgo, formatBytes } from './format.ts';

test('formatBytes uses binary units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(8 * 1024 ** 3), '8.0 GiB');
  assert.equal(formatBytes(23.4 * 1024 ** 3), '23.4 GiB');
  assert.equal(formatBytes(256 * 1024 ** 3), '256 GiB');
});

test('formatAgo', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  assert.equal(formatAgo(null, now), 'never');
  assert.equal(formatAgo('2026-11-22T12:00:00Z', now), 'just now');
  assert.equal(formatAgo('2026-11-22T11:59:30Z', now), '30 s ago');
  assert.equal(formatAgo('2026-11-22T11:50:00Z', now), '10 min ago');
  assert.equal(formatAgo('2026-11-20T12:00:00Z', now), '2 days ago');
});

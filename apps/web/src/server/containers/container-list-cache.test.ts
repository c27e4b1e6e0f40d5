import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostFeed } from '../host-state/host-feed.ts';
import { ContainerListCache } from './container-list-cache.ts';

test('a list is loaded once per filter until the host feed reports a change', async () => {
  const feed = new HostFeed();
  const cache = new ContainerListCache<number>(feed);
  let loads = 0;
  const load = async () => [++loads];
  assert.deepEqual(await cache.get('all', load), [1]);
  assert.deepEqual(await cache.get('all', load), [1], 'served from the cache');
  assert.deepEqual(await cache.get('running', load), [2], 'another filter is another entry');
  feed.publish({ hostId: 'h1', kinds: ['containers'] });
  assert.deepEqual(await cache.get('all', load), [3], 'a change drops every entry');
});

test('a load that a change overtook serves its caller but is not kept', async () => {
  const feed = new HostFeed();
  const cache = new ContainerListCache<string>(feed);
  let release: () => void = () => {};
  const slow = cache.get(
    'all',
    () =>
      new Promise<string[]>((resolve) => {
        release = () => resolve(['before the change']);
      }),
  );
  feed.publish({ hostId: 'h1', kinds: ['presence'] });
  release();
  assert.deepEqual(await slow, ['before the change']);
  assert.deepEqual(await cache.get('all', async () => ['after']), ['after']);
});

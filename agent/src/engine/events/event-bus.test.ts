import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EngineEvent, EventBus } from './event-bus.ts';

test('subscribers get live events, and history since a time', () => {
  const bus = new EventBus();
  const first = bus.publish('container', 'create', 'a');
  const live: EngineEvent[] = [];
  const stop = bus.subscribe((e) => live.push(e));
  bus.publish('container', 'start', 'a', { name: 'web' });
  stop();
  bus.publish('container', 'die', 'a', { exitCode: '0' });
  assert.deepEqual(
    live.map((e) => e.action),
    ['start'],
  );
  const replay: string[] = [];
  bus.subscribe((e) => replay.push(e.action), first.timeNano)();
  assert.deepEqual(replay, ['create', 'start', 'die']);
  // Date.now() has millisecond steps: allow one either side
  const now = BigInt(Date.now()) * 1_000_000n;
  assert.ok(
    first.timeNano <= now + 1_000_000n && first.timeNano > now - 10_000_000_000n,
    'event time is unix time',
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureRateLimiter } from './rate-limit.ts';

test('blocks after maxFailures within the window, and frees up when it slides', () => {
  let now = 1_000_000;
  const limiter = new FailureRateLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.retryAfterSeconds(['ip:a']), 0);
    limiter.recordFailure(['ip:a', 'user:x']);
    now += 1000;
  }
  assert.equal(limiter.retryAfterSeconds(['ip:a']), 57);
  assert.equal(
    limiter.retryAfterSeconds(['ip:b', 'user:x']),
    57,
    'the username is throttled from any address',
  );
  assert.equal(limiter.retryAfterSeconds(['ip:b', 'user:y']), 0);
  now += 58_000;
  assert.equal(limiter.retryAfterSeconds(['ip:a']), 0);
  limiter.recordFailure(['ip:a']);
  limiter.reset('ip:a');
  assert.equal(limiter.retryAfterSeconds(['ip:a']), 0);
});

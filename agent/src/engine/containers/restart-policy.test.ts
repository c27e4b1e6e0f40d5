import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRestart, restartsOnDaemonStart } from './restart-policy.ts';

const exit = { exitCode: 1, stoppedByUser: false, restartCount: 0, ranForMs: 50, previousDelayMs: 0 };

test('no never restarts; always and unless-stopped restart any exit', () => {
  assert.deepEqual(decideRestart({ name: 'no', maximumRetryCount: 0 }, exit), { restart: false });
  assert.equal(
    decideRestart({ name: 'always', maximumRetryCount: 0 }, { ...exit, exitCode: 0 }).restart,
    true,
  );
  assert.equal(decideRestart({ name: 'unless-stopped', maximumRetryCount: 0 }, exit).restart, true);
});

test('on-failure restarts failures only, up to the retry count', () => {
  const policy = { name: 'on-failure' as const, maximumRetryCount: 2 };
  assert.equal(decideRestart(policy, { ...exit, exitCode: 0 }).restart, false);
  assert.equal(decideRestart(policy, { ...exit, restartCount: 1 }).restart, true);
  assert.equal(decideRestart(policy, { ...exit, restartCount: 2 }).restart, false);
  assert.equal(
    decideRestart({ name: 'on-failure', maximumRetryCount: 0 }, { ...exit, restartCount: 99 }).restart,
    true,
  );
});

test('an explicit stop wins over every policy', () => {
  assert.equal(
    decideRestart({ name: 'always', maximumRetryCount: 0 }, { ...exit, stoppedByUser: true }).restart,
    false,
  );
});

test('backoff doubles, is capped at a minute and resets after a long run', () => {
  const always = { name: 'always' as const, maximumRetryCount: 0 };
  assert.deepEqual(decideRestart(always, exit), { restart: true, delayMs: 100 });
  assert.deepEqual(decideRestart(always, { ...exit, previousDelayMs: 100 }), { restart: true, delayMs: 200 });
  assert.deepEqual(decideRestart(always, { ...exit, previousDelayMs: 50_000 }), {
    restart: true,
    delayMs: 60_000,
  });
  assert.deepEqual(decideRestart(always, { ...exit, previousDelayMs: 3200, ranForMs: 20_000 }), {
    restart: true,
    delayMs: 100,
  });
});

test('which containers come back when the agent starts', () => {
  assert.equal(restartsOnDaemonStart({ name: 'always', maximumRetryCount: 0 }, true, 0), true);
  assert.equal(restartsOnDaemonStart({ name: 'unless-stopped', maximumRetryCount: 0 }, true, 0), false);
  assert.equal(restartsOnDaemonStart({ name: 'unless-stopped', maximumRetryCount: 0 }, false, 0), true);
  assert.equal(restartsOnDaemonStart({ name: 'on-failure', maximumRetryCount: 0 }, false, 3), true);
  assert.equal(restartsOnDaemonStart({ name: 'no', maximumRetryCount: 0 }, false, 3), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadAgentConfig } from './agent-config.ts';

test('flags win over the environment, defaults fill the rest', () => {
  const config = loadAgentConfig(['--data-root', '/tmp/a'], { BERTH_AGENT_DATA_ROOT: '/tmp/b' });
  assert.equal(config.dataRoot, '/tmp/a');
  assert.equal(config.dockerSocket, '/run/berth/docker.sock');
  assert.equal(config.controlPlane, undefined);
});

test('a bad value names the flag and what it expects', () => {
  assert.throws(
    () => loadAgentConfig(['--data-root', 'relative/dir'], {}),
    (err: Error) => err instanceof ConfigError && /--data-root.*absolute path/.test(err.message),
  );
  assert.throws(
    () => loadAgentConfig([], { BERTH_CONTROL_PLANE: 'ftp://x' }),
    (err: Error) => /--control-plane \(BERTH_CONTROL_PLANE\)/.test(err.message),
  );
});

test('an unknown flag prints the usage', () => {
  assert.throws(() => loadAgentConfig(['--bogus'], {}), /usage: berth-agent/);
});

test('--userns-remap: a range, or a clear refusal naming the flag', () => {
  assert.deepEqual(loadAgentConfig(['--userns-remap', '200000:65536'], {}).usernsRemap, {
    uid: { hostID: 200000, size: 65536 },
    gid: { hostID: 200000, size: 65536 },
  });
  assert.throws(
    () => loadAgentConfig([], { BERTH_USERNS_REMAP: 'berthtest-nobody' }),
    (err: Error) =>
      err instanceof ConfigError &&
      /--userns-remap \(BERTH_USERNS_REMAP\): no subordinate range for "berthtest-nobody"/.test(err.message),
  );
});

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

test('registry flags repeat, the environment takes comma-separated lists, certs.d defaults under the data root', () => {
  const flags = loadAgentConfig(
    [
      '--data-root',
      '/tmp/a',
      '--insecure-registry',
      'reg.lan:5000',
      '--insecure-registry',
      '10.0.0.2',
      '--registry-mirror',
      'https://mirror.example',
    ],
    { BERTH_INSECURE_REGISTRIES: 'ignored.example' },
  );
  assert.deepEqual(flags.insecureRegistries, ['reg.lan:5000', '10.0.0.2']);
  assert.deepEqual(flags.registryMirrors, ['https://mirror.example']);
  assert.equal(flags.registryCertsDir, '/tmp/a/certs.d');
  const env = loadAgentConfig([], {
    BERTH_INSECURE_REGISTRIES: 'a.lan:5000, b.lan',
    BERTH_REGISTRY_MIRRORS: 'http://m1.lan,https://m2.lan',
    BERTH_REGISTRY_CERTS_DIR: '/etc/berth/certs.d',
  });
  assert.deepEqual(env.insecureRegistries, ['a.lan:5000', 'b.lan']);
  assert.deepEqual(env.registryMirrors, ['http://m1.lan', 'https://m2.lan']);
  assert.equal(env.registryCertsDir, '/etc/berth/certs.d');
  assert.throws(
    () => loadAgentConfig(['--insecure-registry', 'http://reg.lan/'], {}),
    (err: Error) => err instanceof ConfigError && /--insecure-registry.*host:port/.test(err.message),
  );
  assert.throws(
    () => loadAgentConfig(['--registry-mirror', 'ftp://m.lan'], {}),
    (err: Error) => err instanceof ConfigError && /--registry-mirror.*http/.test(err.message),
  );
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

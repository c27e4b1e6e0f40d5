import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

test('defaults with nothing configured', () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 3000);
  assert.equal(config.BERTH_DATA, '/var/lib/berth');
  assert.equal(config.DATABASE_URL, undefined);
});

test('a bad value names the variable in one line', () => {
  for (const [env, name] of [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ BERTH_DATA: 'relative/dir' }, 'BERTH_DATA'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ BERTH_PUBLIC_URL: 'ftp://x' }, 'BERTH_PUBLIC_URL'],
  ] as const) {
    assert.throws(
      () => loadConfig(env),
      (err) =>
        err instanceof ConfigError &&
        err.message.startsWith(`invalid ${name}=`) &&
        !err.message.includes('\n'),
    );
  }
});

test('values are coerced and empty strings are unset', () => {
  const config = loadConfig({ PORT: '8080', HOST: '', DATABASE_URL: 'postgresql://u:p@db:5432/berth' });
  assert.equal(config.PORT, 8080);
  assert.equal(config.HOST, '0.0.0.0');
  assert.equal(config.DATABASE_URL, 'postgresql://u:p@db:5432/berth');
});

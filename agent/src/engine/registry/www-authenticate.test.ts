import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenges } from './www-authenticate.ts';

describe('WWW-Authenticate', () => {
  it('parses Docker Hub bearer and basic challenges', () => {
    assert.deepEqual(
      parseChallenges(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      ),
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/busybox:pull',
          },
        },
      ],
    );
    assert.deepEqual(parseChallenges('Basic realm="berthtest-realm"'), [
      { scheme: 'basic', params: { realm: 'berthtest-realm' } },
    ]);
  });

  it('handles several challenges, escapes, unquoted values and junk', () => {
    assert.deepEqual(
      parseChallenges(['Basic realm="a \\"b\\"", Bearer realm=x, error="insufficient_scope"']),
      [
        { scheme: 'basic', params: { realm: 'a "b"' } },
        { scheme: 'bearer', params: { realm: 'x', error: 'insufficient_scope' } },
      ],
    );
    assert.deepEqual(parseChallenges(undefined), []);
    assert.deepEqual(parseChallenges(',,'), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../errors.ts';
import { familiarReference, formatReference, normalizeTagged, parseReference } from './reference.ts';

const D = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/library/busybox:x', 'docker.io/library/busybox:x', 'busybox:x'],
    ['myorg/app:v1', 'docker.io/myorg/app:v1', 'myorg/app:v1'],
    ['localhost/app', 'localhost/app:latest', 'localhost/app:latest'],
    ['localhost:5000/ns/name:tag', 'localhost:5000/ns/name:tag', 'localhost:5000/ns/name:tag'],
    ['registry.example.com/a/b/c', 'registry.example.com/a/b/c:latest', 'registry.example.com/a/b/c:latest'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`, `busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`, `busybox:1@${D}`],
    ['[::1]:5000/x:y', '[::1]:5000/x:y', '[::1]:5000/x:y'],
  ];
  for (const [input, full, familiar] of cases) {
    it(`${input} → ${full}`, () => {
      const ref = parseReference(input);
      assert.equal(formatReference(ref), full);
      assert.equal(familiarReference(ref), familiar);
    });
  }
  for (const bad of [
    '',
    'Busybox',
    'busybox:',
    'a//b',
    'busybox@sha256:abc',
    'x:y:z',
    '-a',
    'a b',
    `${'a'.repeat(256)}`,
    'busybox:-tag',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => parseReference(bad),
        (e) => isEngineError(e, 'invalid'),
      );
    });
  }
  it('tags cannot carry digests', () => {
    assert.throws(
      () => normalizeTagged(`a@${D}`),
      (e) => isEngineError(e, 'invalid'),
    );
  });
});

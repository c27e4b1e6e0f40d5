import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../errors.ts';
import type { ImageIndex } from '../images/oci-schemas.ts';
import { parsePlatform, selectManifest } from './platform-select.ts';
import { endpointsFor, isLoopbackHost, RegistryConfig } from './registry-config.ts';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const entry = (n: number, platform: { os: string; architecture: string; variant?: string }) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: d(n),
  size: 100,
  platform,
});
const index: ImageIndex = {
  schemaVersion: 2,
  manifests: [
    entry(1, { os: 'linux', architecture: 'amd64' }),
    entry(2, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry(3, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry(4, { os: 'linux', architecture: 'arm64' }),
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: d(5),
      size: 1,
      platform: { os: 'unknown', architecture: 'unknown' },
    },
  ],
};

describe('platform selection', () => {
  it('parses --platform as Docker does', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parsePlatform('arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.throws(
      () => parsePlatform('linux//x'),
      (e) => isEngineError(e, 'invalid'),
    );
  });

  it('matches os, architecture and variant, defaulting arm64 to v8', () => {
    assert.equal(selectManifest(index, parsePlatform('linux/amd64')).digest, d(1));
    assert.equal(selectManifest(index, parsePlatform('linux/arm/v6')).digest, d(2));
    assert.equal(selectManifest(index, parsePlatform('linux/arm')).digest, d(3));
    assert.equal(selectManifest(index, parsePlatform('linux/arm64/v8')).digest, d(4));
    assert.throws(
      () => selectManifest(index, parsePlatform('windows/amd64')),
      (e) =>
        isEngineError(e, 'not_found') &&
        /windows\/amd64.*linux\/amd64, linux\/arm\/v6, linux\/arm\/v7, linux\/arm64/.test(e.message),
    );
  });
});

describe('registry endpoints', () => {
  it('speaks plain HTTP only to loopback and listed registries, and tries mirrors for docker.io pulls', () => {
    assert.ok(
      isLoopbackHost('localhost:5000') && isLoopbackHost('127.3.4.5') && isLoopbackHost('[::1]:5000'),
    );
    assert.ok(!isLoopbackHost('128.0.0.1') && !isLoopbackHost('example.com'));
    const config = RegistryConfig.parse({
      insecureRegistries: ['reg.lan:5000'],
      mirrors: ['https://mirror.example'],
    });
    assert.deepEqual(
      endpointsFor(config, '127.0.0.1:5000', 'pull').map((e) => e.origin),
      ['http://127.0.0.1:5000'],
    );
    assert.deepEqual(
      endpointsFor(config, 'reg.lan:5000', 'pull').map((e) => [e.origin, e.fallbackOrigin]),
      [['https://reg.lan:5000', 'http://reg.lan:5000']],
    );
    assert.deepEqual(
      endpointsFor(config, 'docker.io', 'pull').map((e) => e.origin),
      ['https://mirror.example', 'https://registry-1.docker.io'],
    );
    assert.deepEqual(
      endpointsFor(config, 'docker.io', 'push').map((e) => e.origin),
      ['https://registry-1.docker.io'],
    );
    assert.deepEqual(
      endpointsFor(config, 'ghcr.io', 'pull').map((e) => e.origin),
      ['https://ghcr.io'],
    );
  });
});

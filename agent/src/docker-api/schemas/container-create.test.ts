import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ContainerSpec } from '../../engine/containers/spec.ts';
import { parseByteSize } from './byte-size.ts';
import { ContainerCreateBody, parseBind, toContainerSpec } from './container-create.ts';

test('a docker CLI create body becomes an engine spec', () => {
  const body = ContainerCreateBody.parse({
    Image: 'busybox',
    Cmd: ['sh', '-c', 'echo hi'],
    Env: ['A=1'],
    Tty: false,
    Labels: { team: 'web' },
    HostConfig: {
      Memory: 64 * 1024 * 1024,
      MemorySwap: 0,
      NanoCpus: 500_000_000,
      CpuShares: 0,
      PidsLimit: 0,
      Binds: ['/srv/data:/data:ro', 'cache:/cache'],
      Tmpfs: { '/run': 'size=64m,mode=1777' },
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      SecurityOpt: ['no-new-privileges'],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      NetworkMode: 'default',
    },
    SomethingNew: true,
  });
  // JSON drops the keys left undefined, as the stored record does
  const spec = JSON.parse(JSON.stringify(ContainerSpec.parse(toContainerSpec(body, 'web'))));
  assert.equal(spec.name, 'web');
  assert.deepEqual(spec.cmd, ['sh', '-c', 'echo hi']);
  assert.deepEqual(spec.host.resources, {
    memoryBytes: 64 * 1024 * 1024,
    cpuPeriodUs: 100_000,
    cpuQuotaUs: 50_000,
  });
  assert.deepEqual(spec.host.mounts, [
    { type: 'bind', source: '/srv/data', target: '/data', readOnly: true },
    { type: 'volume', source: 'cache', target: '/cache', readOnly: false, noCopy: false },
    { type: 'tmpfs', target: '/run', sizeBytes: 64 * 1024 * 1024, mode: 0o1777, readOnly: false },
  ]);
  assert.deepEqual(spec.host.restartPolicy, { name: 'on-failure', maximumRetryCount: 3 });
  assert.equal(spec.host.noNewPrivileges, true);
  assert.deepEqual(spec.host.logConfig, { type: 'json-file', maxSizeBytes: 10 * 1024 * 1024, maxFiles: 3 });
});

test('wrong types and bad values are refused with the field named', () => {
  const wrongType = ContainerCreateBody.safeParse({ Image: 'busybox', HostConfig: { Memory: 'lots' } });
  assert.equal(wrongType.success, false);
  assert.deepEqual(wrongType.error?.issues[0]?.path, ['HostConfig', 'Memory']);
  assert.throws(() => parseBind('vol:/x:rw:extra'), /invalid volume specification/);
  assert.throws(() => parseBind('/a:b'), /mount path must be absolute/);
  assert.throws(
    () =>
      toContainerSpec(
        ContainerCreateBody.parse({ Image: 'x', HostConfig: { RestartPolicy: { Name: 'sometimes' } } }),
        undefined,
      ),
    /invalid restart policy 'sometimes'/,
  );
});

test('sizes use binary multiples', () => {
  assert.equal(parseByteSize('64m'), 64 * 1024 * 1024);
  assert.equal(parseByteSize('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(parseByteSize('100'), 100);
  assert.throws(() => parseByteSize('lots'), /invalid size/);
});

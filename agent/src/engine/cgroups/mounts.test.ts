import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeHost, parseProcCgroup } from './mounts.ts';

const hybrid = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const hybridSelf = `4:memory:/process_api/abc
2:cpuacct:/
1:cpu:/
9:name=systemd:/
0::/
`;

test('hybrid: v1 controllers plus the cgroup2 mount, own paths per hierarchy', () => {
  const h = describeHost(hybrid, hybridSelf);
  assert.equal(h.mode, 'hybrid');
  assert.deepEqual(
    h.v1.map((x) => [x.controllers.join(','), x.selfDir]),
    [
      ['cpu', '/sys/fs/cgroup/cpu'],
      ['cpuacct', '/sys/fs/cgroup/cpuacct'],
      ['memory', '/sys/fs/cgroup/memory/process_api/abc'],
      ['name=systemd', '/sys/fs/cgroup/systemd'],
    ],
  );
  assert.equal(h.v2?.selfDir, '/sys/fs/cgroup/unified');
});

test('pure v2, agent in a systemd service', () => {
  const h = describeHost(
    '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n',
    '0::/system.slice/berth.service\n',
  );
  assert.equal(h.mode, 'v2');
  assert.deepEqual(h.v1, []);
  assert.equal(h.v2?.selfDir, '/sys/fs/cgroup/system.slice/berth.service');
});

test('v1 only, co-mounted cpu,cpuacct, mount root inside a namespace', () => {
  const h = describeHost(
    '32 31 0:29 /docker/x /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n' +
      '33 31 0:30 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n',
    '3:cpu,cpuacct:/docker/x/inner\n2:pids:/\n',
  );
  assert.equal(h.mode, 'v1');
  assert.deepEqual(h.v1[0]?.controllers, ['cpu', 'cpuacct']);
  assert.equal(h.v1[0]?.selfDir, '/sys/fs/cgroup/cpu,cpuacct/inner');
  assert.equal(h.v2, undefined);
});

test('mount points with blanks are unescaped; duplicate mounts count once', () => {
  const h = describeHost(
    '32 31 0:29 / /mnt/cg\\040x rw - cgroup cgroup rw,pids\n33 31 0:29 / /other rw - cgroup cgroup rw,pids\n',
    '2:pids:/\n',
  );
  assert.equal(h.v1.length, 1);
  assert.equal(h.v1[0]?.mountPoint, '/mnt/cg x');
});

test('parseProcCgroup splits co-mounted controllers', () => {
  const m = parseProcCgroup('3:cpu,cpuacct:/a\n0::/b\n');
  assert.equal(m.get('cpu'), '/a');
  assert.equal(m.get('cpuacct'), '/a');
  assert.equal(m.get(''), '/b');
});

test('where the parent goes: under the agent on v1/hybrid, at the top of a pure v2 host by default', async () => {
  const { createCgroupManager } = await import('./manager.ts');
  const hyb = await createCgroupManager({ parent: 'berth' }, describeHost(hybrid, hybridSelf));
  assert.ok(hyb.parentDirs().includes('/sys/fs/cgroup/memory/process_api/abc/berth'));
  assert.ok(hyb.parentDirs().includes('/sys/fs/cgroup/unified/berth'));
  const v2 = describeHost(
    '30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n',
    '0::/system.slice/berth.service\n',
  );
  assert.deepEqual((await createCgroupManager({}, v2)).parentDirs(), ['/sys/fs/cgroup/berth']);
  assert.deepEqual((await createCgroupManager({ nestUnder: 'self' }, v2)).parentDirs(), [
    '/sys/fs/cgroup/system.slice/berth.service/berth',
  ]);
  assert.deepEqual(
    (await createCgroupManager({ nestUnder: 'root' }, describeHost(hybrid, hybridSelf))).parentDirs()[2],
    '/sys/fs/cgroup/memory/berth',
  );
});

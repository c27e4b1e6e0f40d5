import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isEngineError } from '../errors.ts';
import { blkioToIoWeight, parseCpuList, sharesToWeight } from './convert.ts';
import { parseIoStat, V2Group } from './v2.ts';

// This host is hybrid, so v2 limit files are checked on a directory laid out
// like a cgroup2 one; the real kernel path runs where the host is pure v2.
const root = mkdtempSync(join(tmpdir(), 'berth-v2-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fakeGroup(files: Record<string, string>): { g: V2Group; read: (f: string) => string } {
  const parent = mkdtempSync(join(root, 'p-'));
  writeFileSync(join(parent, 'cpuset.cpus.effective'), '0-3\n');
  writeFileSync(join(parent, 'cpuset.mems.effective'), '0\n');
  const dir = join(parent, 'c');
  mkdirSync(dir);
  const defaults: Record<string, string> = {
    'memory.max': 'max\n',
    'memory.swap.max': 'max\n',
    'memory.low': '0\n',
    'memory.current': '1000\n',
    'cpu.max': 'max 100000\n',
    'cpu.weight': '100\n',
    'cpuset.cpus': '\n',
    'cpuset.mems': '\n',
    'pids.max': 'max\n',
    'io.weight': 'default 100\n',
  };
  for (const [f, v] of Object.entries({ ...defaults, ...files })) writeFileSync(join(dir, f), v);
  return { g: new V2Group(dir), read: (f) => readFileSync(join(dir, f), 'utf8').trim() };
}

test('v2 limits are written in v2 units', async () => {
  const { g, read } = fakeGroup({});
  await g.apply(
    {
      memoryBytes: 64 << 20,
      memorySwapBytes: 96 << 20,
      memoryReservationBytes: 32 << 20,
      cpuQuotaUs: 50_000,
      cpuShares: 1024,
      cpusetCpus: '1-2',
      pidsLimit: 9,
      blkioWeight: 500,
    },
    {},
    false,
  );
  assert.equal(read('memory.max'), String(64 << 20));
  assert.equal(read('memory.swap.max'), String(32 << 20));
  assert.equal(read('memory.low'), String(32 << 20));
  assert.equal(read('cpu.max'), '50000 100000');
  assert.equal(read('cpu.weight'), '39');
  assert.equal(read('cpuset.cpus'), '1-2');
  assert.equal(read('pids.max'), '9');
  assert.equal(read('io.weight'), `default ${blkioToIoWeight(500)}`);
  const back = await g.limits();
  assert.equal(back.memorySwapBytes, 96 << 20);
  assert.equal(back.cpuQuotaUs, 50_000);
});

test('v2 update of the period keeps the quota; unlimited swap is max', async () => {
  const { g, read } = fakeGroup({ 'cpu.max': '20000 100000\n', 'memory.max': `${64 << 20}\n` });
  await g.apply({ cpuPeriodUs: 50_000, memorySwapBytes: -1 }, await g.limits(), true);
  assert.equal(read('cpu.max'), '20000 50000');
  assert.equal(read('memory.swap.max'), 'max');
});

test('v2: memory below usage, a missing CPU and missing swap accounting are refused', async () => {
  const { g } = fakeGroup({ 'memory.current': `${100 << 20}\n` });
  await assert.rejects(g.apply({ memoryBytes: 50 << 20 }, {}, true), (e) => isEngineError(e, 'invalid'));
  await assert.rejects(g.apply({ cpusetCpus: '7' }, {}, false), (e) => isEngineError(e, 'invalid'));
  const noSwap = fakeGroup({});
  rmSync(join(noSwap.g.dir, 'memory.swap.max'));
  await assert.rejects(
    noSwap.g.apply({ memoryBytes: 64 << 20, memorySwapBytes: 128 << 20 }, {}, false),
    (e) => isEngineError(e, 'unavailable'),
  );
});

test('v2 stats parse cpu.stat, memory and io.stat', async () => {
  const { g } = fakeGroup({
    'cpu.stat':
      'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 3\nthrottled_usec 7\n',
    'memory.current': '4096\n',
    'memory.peak': '8192\n',
    'memory.stat': 'anon 1\nfile 2048\n',
    'memory.events': 'low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\n',
    'pids.current': '3\n',
    'pids.max': '50\n',
    'io.stat':
      '8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n8:16 rbytes=5 wbytes=5 rios=1 wios=1\n',
  });
  const s = await g.stats();
  assert.deepEqual(s.cpu, {
    usageNs: 1_500_000,
    userNs: 1_000_000,
    systemNs: 500_000,
    periods: 10,
    throttledPeriods: 3,
    throttledNs: 7000,
  });
  assert.equal(s.memory.usageBytes, 4096);
  assert.equal(s.memory.maxUsageBytes, 8192);
  assert.equal(s.memory.cacheBytes, 2048);
  assert.equal(s.memory.oomKills, 2);
  assert.deepEqual(s.pids, { current: 3, limit: 50 });
  assert.deepEqual(s.blkio, { readBytes: 15, writeBytes: 25, readOps: 2, writeOps: 3 });
  assert.deepEqual(parseIoStat(''), { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 });
});

test('conversions match runc', () => {
  assert.equal(sharesToWeight(2), 1);
  assert.equal(sharesToWeight(1024), 39);
  assert.equal(sharesToWeight(262144), 10000);
  assert.equal(blkioToIoWeight(10), 1);
  assert.equal(blkioToIoWeight(1000), 10000);
  assert.deepEqual(parseCpuList('0-2,5'), [0, 1, 2, 5]);
  assert.equal(parseCpuList('a'), undefined);
});

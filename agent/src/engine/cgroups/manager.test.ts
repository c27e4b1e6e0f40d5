import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isEngineError } from '../errors.ts';
import { createCgroupManager, type HostCgroupManager } from './manager.ts';
import { exited, killChild, spawnIn, testParent } from './testing.ts';

const isRoot = process.getuid?.() === 0;

describe('cgroup manager on this host', { skip: !isRoot && 'needs root' }, () => {
  let mgr: HostCgroupManager;
  const children: ReturnType<typeof spawnIn>[] = [];
  const start = (cg: Parameters<typeof spawnIn>[0], script: string) => {
    const c = spawnIn(cg, script);
    children.push(c);
    return c;
  };

  before(async () => {
    mgr = await createCgroupManager({ parent: testParent() });
  });
  after(async () => {
    for (const c of children) killChild(c);
    await mgr.removeParent();
    for (const dir of mgr.parentDirs()) assert.equal(existsSync(dir), false, `${dir} left behind`);
  });

  test('detects the mode from mountinfo', () => {
    assert.ok(['v1', 'v2', 'hybrid'].includes(mgr.mode));
    if (existsSync('/sys/fs/cgroup/unified') && existsSync('/sys/fs/cgroup/memory'))
      assert.equal(mgr.mode, 'hybrid');
  });

  test('limits are written and read back', async () => {
    const cg = await mgr.create('limits', {
      memoryBytes: 64 * 1024 * 1024,
      memorySwapBytes: 128 * 1024 * 1024,
      cpuPeriodUs: 50_000,
      cpuQuotaUs: 25_000,
      cpuShares: 512,
      cpusetCpus: '0',
      pidsLimit: 42,
    });
    const got = await cg.limits();
    assert.equal(got.memoryBytes, 64 * 1024 * 1024);
    if (got.memorySwapBytes !== undefined) assert.equal(got.memorySwapBytes, 128 * 1024 * 1024);
    assert.equal(got.cpuPeriodUs, 50_000);
    assert.equal(got.cpuQuotaUs, 25_000);
    if (mgr.mode !== 'v2') assert.equal(got.cpuShares, 512);
    assert.equal(got.cpusetCpus, '0');
    assert.equal(got.pidsLimit, 42);
    // update touches only what it names
    await cg.update({ pidsLimit: 7, memoryBytes: 100 * 1024 * 1024, memorySwapBytes: 200 * 1024 * 1024 });
    const after = await cg.limits();
    assert.equal(after.pidsLimit, 7);
    assert.equal(after.memoryBytes, 100 * 1024 * 1024);
    assert.equal(after.cpuQuotaUs, 25_000);
    await cg.destroy();
  });

  test('invalid limits are refused with a clear message and leave nothing', async () => {
    await assert.rejects(mgr.create('bad1', { memoryBytes: 64 << 20, memorySwapBytes: 32 << 20 }), (e) => {
      assert.ok(isEngineError(e, 'invalid'));
      assert.match(e.message, /must not be below the memory limit/);
      return true;
    });
    await assert.rejects(mgr.create('bad2', { cpusetCpus: '0,63' }), (e) => {
      assert.ok(isEngineError(e, 'invalid'));
      assert.match(e.message, /CPU 63 not present/);
      return true;
    });
    await assert.rejects(mgr.create('bad3', { memoryBytes: 1024 }), (e) => isEngineError(e, 'invalid'));
    await assert.rejects(mgr.create('../x', {}), (e) => isEngineError(e, 'invalid'));
    for (const dir of mgr.parentDirs()) {
      for (const n of ['bad1', 'bad2', 'bad3'])
        assert.equal(existsSync(join(dir, n)), false, `${dir}/${n} left behind`);
    }
    assert.deepEqual(await mgr.list(), []);
  });

  test('v1 devices: Docker allow-list by default, everything when privileged', async () => {
    const devList = (cg: { dirs(): string[] }) => {
      const dir = cg.dirs().find((d) => d.includes('/devices/'));
      return dir === undefined ? undefined : readFileSync(join(dir, 'devices.list'), 'utf8');
    };
    const plain = await mgr.create('dev-default', { devices: { rules: ['c 10:200 rwm'] } });
    const priv = await mgr.create('dev-priv', { devices: { allowAll: true } });
    const list = devList(plain);
    if (list !== undefined) {
      assert.match(list, /^c 1:3 rwm$/m);
      assert.match(list, /^c 10:200 rwm$/m);
      assert.doesNotMatch(list, /^a /m);
      assert.doesNotMatch(list, /^b 8:0/m);
      assert.match(devList(priv) ?? '', /^a \*:\* rwm$/m);
    }
    await plain.destroy();
    await priv.destroy();
  });

  test('create of an existing name is a conflict and keeps the original', async () => {
    const cg = await mgr.create('dup', {});
    await assert.rejects(mgr.create('dup', {}), (e) => isEngineError(e, 'conflict'));
    for (const dir of cg.dirs()) assert.ok(existsSync(dir));
    assert.ok(await mgr.open('dup'));
    await cg.destroy();
    assert.equal(await mgr.open('dup'), undefined);
  });

  test('a process placed in the cgroup is counted, in every hierarchy', async () => {
    const cg = await mgr.create('member', {});
    const child = start(cg, 'exec sleep 30');
    await sleep(200);
    assert.ok(child.pid);
    assert.deepEqual(await cg.pids(), [child.pid]);
    for (const f of cg.procsFiles()) assert.equal(readFileSync(f, 'utf8').trim(), String(child.pid), f);
    const stats = await cg.stats();
    if (mgr.mode !== 'v2' || existsSync(join(cg.dirs()[0] ?? '', 'pids.current')))
      assert.equal(stats.pids.current, 1);
    assert.ok(stats.memory.usageBytes > 0);
    await cg.destroy();
    assert.equal((await exited(child)).signal, 'SIGKILL');
    for (const dir of cg.dirs()) assert.equal(existsSync(dir), false);
  });

  test('a memory limit OOM-kills and the kill is counted', async () => {
    const cg = await mgr.create('oom', { memoryBytes: 50 << 20, memorySwapBytes: 50 << 20 });
    assert.equal(await cg.oomKills(), 0);
    // tail keeps a newline-free input, all of it one line, in memory
    const child = start(cg, 'head -c 300M /dev/zero | tail >/dev/null; echo "status $?"');
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
    });
    await exited(child);
    assert.match(out, /status 137/);
    assert.ok((await cg.oomKills()) >= 1);
    assert.ok((await cg.stats()).memory.oomKills >= 1);
    await cg.destroy();
  });

  test('update refuses a memory limit below the current usage', async () => {
    const cg = await mgr.create('shrink', {});
    const child = start(cg, '(head -c 40M /dev/zero; sleep 30) | tail >/dev/null');
    await sleep(800);
    const usage = (await cg.stats()).memory.usageBytes;
    assert.ok(usage > 8 << 20, `usage ${usage}`);
    await assert.rejects(cg.update({ memoryBytes: 7 << 20 }), (e) => {
      assert.ok(isEngineError(e, 'invalid'));
      assert.match(e.message, /below the current usage/);
      return true;
    });
    await cg.destroy();
    await exited(child);
  });

  test('a pids limit stops a fork bomb', async () => {
    const cg = await mgr.create('forks', { pidsLimit: 10 });
    const child = start(cg, 'i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i+1)); done 2>/dev/null; sleep 30');
    await sleep(1000);
    const pids = await cg.pids();
    assert.ok(pids.length <= 10, `${pids.length} processes`);
    assert.ok(pids.length >= 5, `${pids.length} processes`);
    assert.ok((await cg.stats()).pids.current <= 10);
    assert.equal((await cg.stats()).pids.limit, 10);
    await cg.destroy();
    await exited(child);
  });

  test('a CPU quota holds a busy loop near the quota', async () => {
    const cg = await mgr.create('quota', { cpuQuotaUs: 20_000, cpuPeriodUs: 100_000 });
    const child = start(cg, 'while :; do :; done');
    await sleep(300);
    const a = await cg.stats();
    const t0 = process.hrtime.bigint();
    await sleep(1000);
    const b = await cg.stats();
    const wallNs = Number(process.hrtime.bigint() - t0);
    const cpus = (b.cpu.usageNs - a.cpu.usageNs) / wallNs;
    console.log(
      `# quota 0.2 CPU: measured ${cpus.toFixed(3)} CPU, throttled ${b.cpu.throttledPeriods} periods`,
    );
    assert.ok(cpus > 0.1 && cpus < 0.35, `measured ${cpus} CPU`);
    assert.ok(b.cpu.throttledPeriods > 0);
    await cg.destroy();
    await exited(child);
  });

  test('freeze stops progress and thaw resumes it', async () => {
    const cg = await mgr.create('freeze', {});
    const child = start(cg, 'while :; do :; done');
    await sleep(200);
    await cg.freeze();
    const a = (await cg.stats()).cpu.usageNs;
    await sleep(400);
    const b = (await cg.stats()).cpu.usageNs;
    assert.ok(b - a < 5e6, `frozen cgroup used ${(b - a) / 1e6} ms of CPU`);
    await cg.thaw();
    await sleep(400);
    const c = (await cg.stats()).cpu.usageNs;
    assert.ok(c - b > 30e6, `thawed cgroup used only ${(c - b) / 1e6} ms of CPU`);
    // destroying a frozen cgroup still ends its processes
    await cg.freeze();
    await cg.destroy();
    assert.equal((await exited(child)).signal, 'SIGKILL');
  });

  test('destroy leaves nothing and list follows', async () => {
    const a = await mgr.create('gone-a', { pidsLimit: 5 });
    await mgr.create('gone-b', {});
    const gone = async () => (await mgr.list()).filter((n) => n.startsWith('gone-'));
    assert.deepEqual(await gone(), ['gone-a', 'gone-b']);
    const child = start(a, 'sleep 30 & sleep 30 & wait');
    await sleep(200);
    await a.destroy();
    await exited(child);
    for (const dir of a.dirs()) assert.equal(existsSync(dir), false);
    assert.deepEqual(await gone(), ['gone-b']);
    const b = await mgr.open('gone-b');
    assert.ok(b);
    await b.destroy();
    assert.deepEqual(await gone(), []);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultSpec } from '../oci/defaults.ts';
import { RuntimeSpec } from '../oci/spec.ts';
import { parseCgroupMounts } from './host-cgroups.ts';
import { encodePlan, mountFlags, type PlanOp, specToPlan } from './plan.ts';
import { RecordingHelper } from './recording-helper.ts';
import { Runtime } from './runtime.ts';

const extras = { id: 'c1', taskDir: '/run/berth/tasks/c1', socketPath: '/run/berth/tasks/c1/sock' };
const spec = (over: Partial<Parameters<typeof defaultSpec>[0]> = {}) =>
  RuntimeSpec.parse(
    defaultSpec({ args: ['sh', '-c', 'echo hi'], rootPath: '/merged', hostname: 'web', ...over }),
  );
const ops = (plan: readonly PlanOp[], name: string) => plan.filter((op) => op[0] === name);

describe('specToPlan', () => {
  test('starts with the version and the task’s files, ends with the process', () => {
    const plan = specToPlan(spec(), { ...extras, startNow: true });
    assert.deepEqual(plan.slice(0, 4), [
      ['version', '1'],
      ['id', 'c1'],
      ['task-dir', '/run/berth/tasks/c1'],
      ['socket', '/run/berth/tasks/c1/sock'],
    ]);
    assert.deepEqual(ops(plan, 'arg'), [
      ['arg', 'sh'],
      ['arg', '-c'],
      ['arg', 'echo hi'],
    ]);
    assert.deepEqual(plan.at(-1), ['start-now']);
    assert.deepEqual(ops(plan, 'hostname'), [['hostname', 'web']]);
    assert.deepEqual(ops(plan, 'rootfs'), [['rootfs', '/merged', '0']]);
  });

  test('Docker’s 14 capabilities as masks; nothing inheritable or ambient', () => {
    const [caps] = ops(specToPlan(spec(), extras), 'caps');
    // CHOWN 0, DAC_OVERRIDE 1, FOWNER 3, FSETID 4, KILL 5, SETGID 6, SETUID 7, SETPCAP 8,
    // NET_BIND_SERVICE 10, NET_RAW 13, SYS_CHROOT 18, MKNOD 27, AUDIT_WRITE 29, SETFCAP 31
    const mask = [0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31].reduce((m, b) => m | (1n << BigInt(b)), 0n);
    assert.deepEqual(caps, ['caps', mask.toString(16), mask.toString(16), mask.toString(16), '0', '0']);
  });

  test('namespaces: new ones empty, joined ones with their path', () => {
    const s = spec();
    s.linux.namespaces = [{ type: 'pid' }, { type: 'network', path: '/run/netns/x' }];
    assert.deepEqual(ops(specToPlan(s, extras), 'namespace'), [
      ['namespace', 'pid', ''],
      ['namespace', 'network', '/run/netns/x'],
    ]);
  });

  test('default mounts become flags and data; /dev gets its nodes and links', () => {
    const plan = specToPlan(spec(), extras);
    const mounts = ops(plan, 'mount');
    assert.deepEqual(mounts[0], ['mount', 'proc', '/proc', 'proc', String(2 | 4 | 8), '']);
    assert.deepEqual(mounts[1], [
      'mount',
      'tmpfs',
      '/dev',
      'tmpfs',
      String(2 | (1 << 24)),
      'mode=755,size=65536k',
    ]);
    assert.deepEqual(mounts[2], [
      'mount',
      'devpts',
      '/dev/pts',
      'devpts',
      String(2 | 8),
      'newinstance,ptmxmode=0666,mode=0620,gid=5',
    ]);
    assert.deepEqual(ops(plan, 'mknod')[0], ['mknod', '/dev/null', 'c', '1', '3', '438', '0', '0']);
    assert.ok(ops(plan, 'symlink').some((op) => op[1] === 'pts/ptmx' && op[2] === '/dev/ptmx'));
    assert.ok(ops(plan, 'mask').some((op) => op[1] === '/proc/kcore'));
    assert.ok(ops(plan, 'readonly').some((op) => op[1] === '/proc/sys'));
  });

  test('a v2-only host gets one cgroup2 mount; a hybrid host a tmpfs of hierarchies made read-only', () => {
    const v2 = ops(specToPlan(spec(), extras), 'mount').filter((m) => m[2]?.startsWith('/sys/fs/cgroup'));
    assert.deepEqual(v2, [['mount', 'cgroup2', '/sys/fs/cgroup', 'cgroup2', String(1 | 2 | 4 | 8), '']]);
    const hybrid = parseCgroupMounts(
      [
        '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
        '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
        '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd',
        '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
      ].join('\n'),
    );
    const mounts = ops(specToPlan(spec(), { ...extras, cgroupMounts: hybrid }), 'mount').filter((m) =>
      m[2]?.startsWith('/sys/fs/cgroup'),
    );
    assert.deepEqual(
      mounts.map((m) => [m[2], m[3], m[5]]),
      [
        ['/sys/fs/cgroup', 'tmpfs', 'mode=755'],
        ['/sys/fs/cgroup/cpu,cpuacct', 'cgroup', 'cpu,cpuacct'],
        ['/sys/fs/cgroup/systemd', 'cgroup', 'none,xattr,name=systemd'],
        ['/sys/fs/cgroup/unified', 'cgroup2', ''],
        ['/sys/fs/cgroup', '', 'mode=755'],
      ],
    );
    assert.equal(Number(mounts.at(-1)?.[4]) & (32 | 1), 32 | 1, 'remount read-only');
  });

  test('overlay, cgroup procs, log, rlimits, user, no_new_privs, seccomp, terminal', () => {
    const s = spec({ user: { uid: 1000, gid: 100, additionalGids: [10] }, terminal: true });
    s.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2 ** 64 - 1 }];
    s.process.noNewPrivileges = true;
    s.process.consoleSize = { height: 24, width: 80 };
    const plan = specToPlan(s, {
      ...extras,
      overlay: {
        target: '/merged',
        options: ['lowerdir=l/A:l/B', 'upperdir=u', 'workdir=w'],
        cwd: '/var/lib/berth/snapshots',
      },
      cgroupProcs: ['/sys/fs/cgroup/memory/berth/c1/cgroup.procs'],
      log: { path: '/var/lib/berth/containers/c1/c1-json.log', maxSizeBytes: 1000, maxFiles: 2 },
      seccompBpf: new Uint8Array([6, 0, 0, 0, 0, 0, 0xff, 0x7f]),
      stdin: true,
    });
    assert.deepEqual(ops(plan, 'overlay'), [
      ['overlay', '/var/lib/berth/snapshots', 'lowerdir=l/A:l/B,upperdir=u,workdir=w', '/merged'],
    ]);
    assert.deepEqual(ops(plan, 'cgroup-procs'), [
      ['cgroup-procs', '/sys/fs/cgroup/memory/berth/c1/cgroup.procs'],
    ]);
    assert.deepEqual(ops(plan, 'log'), [['log', '/var/lib/berth/containers/c1/c1-json.log', '1000', '2']]);
    assert.deepEqual(ops(plan, 'rlimit'), [['rlimit', '7', '1024', 'inf']]);
    assert.deepEqual(ops(plan, 'user'), [['user', '1000', '100']]);
    assert.deepEqual(ops(plan, 'group'), [['group', '10']]);
    assert.deepEqual(ops(plan, 'no-new-privs'), [['no-new-privs']]);
    assert.deepEqual(ops(plan, 'seccomp'), [['seccomp', '060000000000ff7f']]);
    assert.deepEqual(ops(plan, 'terminal'), [['terminal']]);
    assert.deepEqual(ops(plan, 'winsize'), [['winsize', '24', '80']]);
    assert.deepEqual(ops(plan, 'stdin'), [['stdin']]);
    assert.deepEqual(ops(plan, 'start-now'), []);
  });

  test('a user namespace gets id maps and bind-mounted device nodes', () => {
    const s = spec();
    s.linux.namespaces.push({ type: 'user' });
    assert.throws(() => specToPlan(s, extras), { code: 'invalid' });
    s.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    const plan = specToPlan(s, extras);
    assert.deepEqual(ops(plan, 'uid-map'), [['uid-map', '0', '100000', '65536']]);
    assert.deepEqual(ops(plan, 'mknod'), []);
    assert.ok(
      ops(plan, 'mount').some((m) => m[1] === '/dev/null' && m[2] === '/dev/null' && m[4] === '4096'),
    );
  });

  test('refuses what the helper could not carry', () => {
    assert.throws(() => specToPlan(spec(), { ...extras, socketPath: `/${'x'.repeat(120)}` }), {
      code: 'invalid',
    });
    assert.throws(() => specToPlan(spec(), { ...extras, seccompBpf: new Uint8Array(5) }), {
      code: 'invalid',
    });
    assert.throws(() => encodePlan([['arg', 'a\0b']]), { code: 'invalid' });
  });

  test('the wire form: decimal length, newline, NUL-terminated strings', () => {
    assert.equal(
      encodePlan([
        ['version', '1'],
        ['arg', 'ls'],
      ]).toString(),
      '17\nversion\u00001\u0000arg\u0000ls\u0000',
    );
  });

  test('mount options: flags set and cleared in order, the rest is data', () => {
    assert.deepEqual(mountFlags(['ro', 'rw', 'nosuid', 'size=1m', 'rbind']), {
      flags: 2 | 4096 | 16384,
      data: 'size=1m',
    });
  });
});

describe('Runtime with the recording helper', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berthtest-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('run hands one plan to one helper call and keeps task.json', async () => {
    const helper = new RecordingHelper();
    const rt = new Runtime({ tasksDir: dir, helper, cgroupMounts: [] });
    const state = await rt.run('t1', {
      spec: defaultSpec({ args: ['true'], rootPath: '/m' }),
      cgroupProcs: ['/x/cgroup.procs'],
    });
    assert.deepEqual(state, { id: 't1', status: 'running', pid: 4242 });
    assert.equal(helper.calls.length, 1);
    const call = helper.calls[0];
    assert.equal(call?.op, 'run');
    if (call?.op === 'run') {
      assert.deepEqual(call.plan.at(-1), ['start-now']);
      assert.deepEqual(ops(call.plan, 'socket'), [['socket', join(dir, 't1', 'sock')]]);
    }
    const record = JSON.parse(readFileSync(join(dir, 't1', 'task.json'), 'utf8'));
    assert.deepEqual(record.cgroupProcs, ['/x/cgroup.procs']);
    await assert.rejects(rt.run('t1', { spec: defaultSpec({ args: ['true'], rootPath: '/m' }) }), {
      code: 'conflict',
    });
    await assert.rejects(rt.run('../x', { spec: defaultSpec({ args: ['true'], rootPath: '/m' }) }), {
      code: 'invalid',
    });
  });

  test('create leaves start-now out; exec targets the init’s pid and the cgroup', async () => {
    const helper = new RecordingHelper();
    const rt = new Runtime({ tasksDir: dir, helper, cgroupMounts: [] });
    await rt.create('t2', {
      spec: defaultSpec({ args: ['true'], rootPath: '/m' }),
      cgroupProcs: ['/y/cgroup.procs'],
    });
    const call = helper.calls[0];
    assert.ok(call?.op === 'run' && !call.plan.some((op) => op[0] === 'start-now'));
    // a monitor state as the C side writes it, the monitor being this very process
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const state = {
      status: 'running',
      pid: process.pid,
      pidStartTime: start,
      monitorPid: process.pid,
      monitorStartTime: start,
      exitCode: null,
      signal: null,
      error: '',
      startedAt: '',
      finishedAt: '',
    };
    (await import('node:fs')).writeFileSync(join(dir, 't2', 'state.json'), JSON.stringify(state));
    await rt.exec('t2', { process: RuntimeSpec.shape.process.parse({ args: ['ls'] }) });
    const exec = helper.calls[1];
    assert.ok(exec?.op === 'exec');
    if (exec?.op === 'exec') {
      assert.deepEqual(exec.plan.slice(0, 3), [
        ['version', '1'],
        ['target-pid', String(process.pid)],
        ['cgroup-procs', '/y/cgroup.procs'],
      ]);
    }
    await rt.kill('t2', 'SIGTERM');
    assert.deepEqual(helper.calls[2], { op: 'signal', pid: process.pid, signal: 15 });
    await assert.rejects(rt.delete('t2'), { code: 'conflict' });
  });
});

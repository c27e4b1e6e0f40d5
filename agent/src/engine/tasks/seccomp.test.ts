import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DOCKER_DEFAULT_CAPABILITIES } from '../oci/capabilities.ts';
import { defaultSpec } from '../oci/defaults.ts';
import { compileSeccomp } from '../oci/seccomp-bpf.ts';
import { defaultSeccompProfile } from '../oci/seccomp-profile.ts';
import { Process } from '../oci/spec.ts';
import { Runtime } from './runtime.ts';
import { readLog, TestBed } from './testing.ts';

describe('seccomp compiler', () => {
  test('checks the architecture first and ends with the default action', () => {
    const prog = Buffer.from(compileSeccomp(defaultSeccompProfile(DOCKER_DEFAULT_CAPABILITIES)));
    assert.equal(prog.length % 8, 0);
    assert.equal(prog.readUInt16LE(0), 0x20); // ld [arch]
    assert.equal(prog.readUInt32LE(4), 4);
    assert.equal(prog.readUInt32LE(8 + 4), 0xc000003e);
    assert.equal(prog.readUInt16LE(prog.length - 8), 0x06); // ret
    assert.equal(prog.readUInt32LE(prog.length - 4), 0x00050001); // ERRNO(EPERM)
    assert.ok(prog.length / 8 < 4096);
  });

  test('CAP_SYS_ADMIN unlocks mount and unshare; without it clone3 answers ENOSYS', () => {
    const admin = defaultSeccompProfile([...DOCKER_DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN']);
    const plain = defaultSeccompProfile(DOCKER_DEFAULT_CAPABILITIES);
    const names = (p: typeof admin) =>
      p.syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW').flatMap((s) => s.names);
    assert.ok(names(admin).includes('mount') && names(admin).includes('unshare'));
    assert.ok(!names(plain).includes('mount') && !names(plain).includes('unshare'));
    assert.deepEqual(
      plain.syscalls.find((s) => s.names.includes('clone3')),
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, args: [] },
    );
  });

  /** a classic-BPF interpreter for the few instructions the compiler emits */
  function evaluate(prog: Uint8Array, nr: number, args: number[] = [], arch = 0xc000003e): number {
    const data = Buffer.alloc(64);
    data.writeUInt32LE(nr, 0);
    data.writeUInt32LE(arch, 4);
    args.forEach((a, i) => {
      data.writeBigUInt64LE(BigInt(a), 16 + 8 * i);
    });
    const p = Buffer.from(prog);
    let a = 0;
    for (let pc = 0; pc < p.length / 8; pc++) {
      const code = p.readUInt16LE(pc * 8);
      const jt = p.readUInt8(pc * 8 + 2);
      const jf = p.readUInt8(pc * 8 + 3);
      const k = p.readUInt32LE(pc * 8 + 4);
      if (code === 0x20) a = data.readUInt32LE(k);
      else if (code === 0x54) a = (a & k) >>> 0;
      else if (code === 0x06) return k;
      else if (code === 0x15) pc += a === k ? jt : jf;
      else if (code === 0x35) pc += a >= k ? jt : jf;
      else if (code === 0x25) pc += a > k ? jt : jf;
      else throw new Error(`opcode ${code}`);
    }
    throw new Error('fell off the end');
  }
  const ALLOW = 0x7fff0000;
  const EPERM = 0x00050001;

  test('argument rules: personality, clone flags, socket families, 64-bit comparisons', () => {
    const prog = compileSeccomp(defaultSeccompProfile(DOCKER_DEFAULT_CAPABILITIES));
    assert.equal(evaluate(prog, 0), ALLOW); // read
    assert.equal(evaluate(prog, 165), EPERM); // mount
    assert.equal(evaluate(prog, 135, [0]), ALLOW); // personality(PER_LINUX)
    assert.equal(evaluate(prog, 135, [0xffffffff]), ALLOW);
    assert.equal(evaluate(prog, 135, [0x1234]), EPERM);
    assert.equal(evaluate(prog, 41, [2]), ALLOW); // socket(AF_INET)
    assert.equal(evaluate(prog, 41, [40]), EPERM); // socket(AF_VSOCK)
    assert.equal(evaluate(prog, 56, [17]), ALLOW); // clone(SIGCHLD)
    assert.equal(evaluate(prog, 56, [0x10000000 | 17]), EPERM); // clone(CLONE_NEWUSER)
    assert.equal(evaluate(prog, 435), 0x00050000 | 38); // clone3 → ENOSYS
    assert.equal(evaluate(prog, 0x40000000), EPERM, 'x32 ABI');
    assert.equal(evaluate(prog, 0, [], 0x40000003), EPERM, 'i386 ABI');
    const cmp = (op: 'SCMP_CMP_GE' | 'SCMP_CMP_GT' | 'SCMP_CMP_LT' | 'SCMP_CMP_LE') =>
      compileSeccomp({
        defaultAction: 'SCMP_ACT_ERRNO',
        architectures: [],
        syscalls: [
          {
            names: ['read'],
            action: 'SCMP_ACT_ALLOW',
            args: [{ index: 2, value: 2 ** 32 + 5, valueTwo: 0, op }],
          },
        ],
      });
    const at = (op: Parameters<typeof cmp>[0], v: number) => evaluate(cmp(op), 0, [0, 0, v]) === ALLOW;
    const values = [4, 2 ** 32 + 4, 2 ** 32 + 5, 2 ** 32 + 6, 2 ** 33];
    assert.deepEqual(
      values.map((v) => at('SCMP_CMP_GE', v)),
      [false, false, true, true, true],
    );
    assert.deepEqual(
      values.map((v) => at('SCMP_CMP_GT', v)),
      [false, false, false, true, true],
    );
    assert.deepEqual(
      values.map((v) => at('SCMP_CMP_LT', v)),
      [true, true, false, false, false],
    );
    assert.deepEqual(
      values.map((v) => at('SCMP_CMP_LE', v)),
      [true, true, true, false, false],
    );
  });

  test('aarch64: its own audit arch and numbers (the generic table); no x32 check', () => {
    const AUDIT_ARCH_AARCH64 = 0xc00000b7;
    const prog = compileSeccomp(defaultSeccompProfile(DOCKER_DEFAULT_CAPABILITIES), 'arm64');
    const on = (nr: number, args: number[] = []) => evaluate(prog, nr, args, AUDIT_ARCH_AARCH64);
    assert.equal(on(63), ALLOW); // read
    assert.equal(on(56), ALLOW); // openat (56 is clone on x86_64)
    assert.equal(on(40), EPERM); // mount
    assert.equal(on(220, [17]), ALLOW); // clone(SIGCHLD)
    assert.equal(on(220, [0x10000000 | 17]), EPERM); // clone(CLONE_NEWUSER)
    assert.equal(on(435), 0x00050000 | 38); // clone3 → ENOSYS
    assert.equal(on(198, [40]), EPERM); // socket(AF_VSOCK)
    assert.equal(evaluate(prog, 63, [], 0xc000003e), EPERM, 'an x86_64 program on an aarch64 filter');
    assert.equal(evaluate(prog, 63, [], 0x40000028), EPERM, 'arm32 compat ABI');
  });

  test('refuses other architectures', () => {
    assert.throws(() => compileSeccomp(defaultSeccompProfile([]), 'riscv64'), { code: 'unavailable' });
  });
});

describe('seccomp in real containers', () => {
  const bed = new TestBed();
  const rt = new Runtime({ tasksDir: bed.tasksDir });
  let n = 0;
  after(async () => {
    for (const t of await rt.list()) await rt.delete(t.id, { force: true }).catch(() => {});
    bed.cleanup();
  });

  async function run(args: string[], seccomp: boolean, bpf?: Uint8Array) {
    const id = `berthtest-sc-${process.pid}-${n++}`;
    const o = bed.container(id, args);
    await rt.run(id, {
      ...o,
      spec: defaultSpec({ args, rootPath: o.spec.root.path, seccomp }),
      seccompBpf: bpf,
    });
    return { status: await rt.wait(id), log: readLog(o.logPath) };
  }

  test('Docker’s default profile: everyday commands work, a user namespace is refused', async () => {
    const everyday = await run(
      ['sh', '-c', 'ls / >/dev/null && ps >/dev/null && cat /proc/self/status >/dev/null && echo fine'],
      true,
    );
    assert.deepEqual(everyday.log.stdout, ['fine\n']);
    const unconfined = await run(['unshare', '-U', 'true'], false);
    assert.equal(unconfined.status.exitCode, 0, 'the kernel allows it without the filter');
    const confined = await run(['unshare', '-U', 'true'], true);
    assert.notEqual(confined.status.exitCode, 0);
    assert.match(confined.log.stderr.join(''), /Operation not permitted/);
  });

  test('exec’d processes get the container’s filter', async () => {
    const id = `berthtest-sc-${process.pid}-${n++}`;
    const o = bed.container(id, ['sleep', '100']);
    await rt.run(id, {
      ...o,
      spec: defaultSpec({ args: ['sleep', '100'], rootPath: o.spec.root.path, seccomp: true }),
    });
    const p = await rt.exec(id, {
      process: Process.parse({ args: ['unshare', '-U', 'true'], env: ['PATH=/bin'] }),
    });
    p.stdin.end();
    p.stdout.resume();
    let err = '';
    p.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
    });
    assert.notEqual((await p.exited).exitCode, 0);
    assert.match(err, /Operation not permitted/);
    await rt.kill(id, 'SIGKILL');
    await rt.wait(id);
  });

  test('a custom profile: the errno it names comes back', async () => {
    const bpf = compileSeccomp({
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: [],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [] }],
    });
    const r = await run(['mkdir', '/tmp/x'], false, bpf);
    assert.equal(r.status.exitCode, 1);
    assert.match(r.log.stderr.join(''), /Permission denied/);
  });
});

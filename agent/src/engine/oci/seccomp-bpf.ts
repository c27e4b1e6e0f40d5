import { EngineError } from '../errors.ts';
import type { SeccompAction, SeccompArg, SeccompProfile } from './seccomp-profile.ts';
import { SYSCALLS_AARCH64 } from './syscalls-aarch64.ts';
import { SYSCALLS_X86_64 } from './syscalls-x86-64.ts';

/**
 * Compiles a seccomp profile to the classic-BPF program the helper installs
 * (struct sock_filter[], little-endian) for x86_64 or aarch64. A straight list: each
 * rule is one block that falls through to the next when it does not match,
 * so every jump is short; names this architecture lacks are skipped, as
 * libseccomp does.
 */

// linux/filter.h, linux/seccomp.h, linux/audit.h
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JGT_K = 0x25;
const AND_K = 0x54;
const RET_K = 0x06;
const X32_SYSCALL_BIT = 0x40000000;

/** per Node's process.arch: the audit arch the kernel reports and the system call table */
const ARCHES: Record<string, { audit: number; syscalls: Readonly<Record<string, number>> }> = {
  x64: { audit: 0xc000003e, syscalls: SYSCALLS_X86_64 },
  arm64: { audit: 0xc00000b7, syscalls: SYSCALLS_AARCH64 },
};
const OFF_NR = 0;
const OFF_ARCH = 4;
const argLo = (i: number) => 16 + 8 * i;
const argHi = (i: number) => 20 + 8 * i;
const MAX_INSNS = 4096;

interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}
const stmt = (code: number, k: number): Insn => ({ code, jt: 0, jf: 0, k: k >>> 0 });
const jump = (code: number, k: number, jt: number, jf: number): Insn => ({ code, jt, jf, k: k >>> 0 });

function actionValue(action: SeccompAction, errno: number): number {
  switch (action) {
    case 'SCMP_ACT_ALLOW':
      return 0x7fff0000;
    case 'SCMP_ACT_ERRNO':
      return 0x00050000 | (errno & 0xffff);
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD':
      return 0;
    case 'SCMP_ACT_KILL_PROCESS':
      return 0x80000000;
    case 'SCMP_ACT_TRAP':
      return 0x00030000;
    case 'SCMP_ACT_TRACE':
      return 0x7ff00000 | (errno & 0xffff);
    case 'SCMP_ACT_LOG':
      return 0x7ffc0000;
  }
}

const hi32 = (v: number) => Math.floor(v / 2 ** 32) >>> 0;
const lo32 = (v: number) => v >>> 0;

/**
 * One argument test; `fail` is how many instructions after this test's last
 * one the rule's end lies (the block's caller patches it in). Returns
 * instructions whose jf/jt of -1 mean "to the end of the block".
 */
function argTest(a: SeccompArg): Insn[] {
  const END = -1;
  const v = a.op === 'SCMP_CMP_MASKED_EQ' ? a.valueTwo : a.value;
  switch (a.op) {
    case 'SCMP_CMP_EQ':
      return [
        stmt(LD_W_ABS, argHi(a.index)),
        jump(JEQ_K, hi32(v), 0, END),
        stmt(LD_W_ABS, argLo(a.index)),
        jump(JEQ_K, lo32(v), 0, END),
      ];
    case 'SCMP_CMP_NE':
      // passes when either half differs
      return [
        stmt(LD_W_ABS, argHi(a.index)),
        jump(JEQ_K, hi32(v), 0, 2),
        stmt(LD_W_ABS, argLo(a.index)),
        jump(JEQ_K, lo32(v), END, 0),
      ];
    case 'SCMP_CMP_MASKED_EQ':
      return [
        stmt(LD_W_ABS, argHi(a.index)),
        stmt(AND_K, hi32(a.value)),
        jump(JEQ_K, hi32(v), 0, END),
        stmt(LD_W_ABS, argLo(a.index)),
        stmt(AND_K, lo32(a.value)),
        jump(JEQ_K, lo32(v), 0, END),
      ];
    case 'SCMP_CMP_GE':
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE': {
      // unsigned 64-bit: decide on the high half unless equal, then on the low half
      const ge = a.op === 'SCMP_CMP_GE' || a.op === 'SCMP_CMP_LT';
      const pass = a.op === 'SCMP_CMP_GE' || a.op === 'SCMP_CMP_GT';
      const cmp = ge ? JGE_K : JGT_K;
      const [hiTrue, hiFalse] = pass ? [0, END] : [END, 0];
      return [
        stmt(LD_W_ABS, argHi(a.index)),
        jump(JGT_K, hi32(v), pass ? 3 : END, 0), // high half greater: decided
        jump(JEQ_K, hi32(v), 0, pass ? END : 2), // high half smaller: decided
        stmt(LD_W_ABS, argLo(a.index)),
        jump(cmp, lo32(v), hiTrue, hiFalse),
      ];
    }
  }
}

export function compileSeccomp(profile: SeccompProfile, arch: string = process.arch): Uint8Array {
  const target = ARCHES[arch];
  if (!target)
    throw new EngineError(
      'unavailable',
      `seccomp profiles are compiled for x86_64 and aarch64 only, not ${arch}`,
    );
  const defaultErrno = profile.defaultErrnoRet ?? 1;
  const deny = actionValue(profile.defaultAction, defaultErrno);
  const prog: Insn[] = [
    stmt(LD_W_ABS, OFF_ARCH),
    jump(JEQ_K, target.audit, 1, 0),
    // another ABI (i386 via int 0x80, arm32 compat): Docker's profile allows it; Berth denies it
    stmt(RET_K, deny),
    stmt(LD_W_ABS, OFF_NR),
  ];
  // x32 shares x86_64's audit arch, told apart by a bit in the number
  if (arch === 'x64') prog.push(jump(JGE_K, X32_SYSCALL_BIT, 0, 1), stmt(RET_K, deny));
  for (const rule of profile.syscalls) {
    const ret = stmt(RET_K, actionValue(rule.action, rule.errnoRet ?? defaultErrno));
    for (const name of rule.names) {
      const nr = target.syscalls[name];
      if (nr === undefined) continue;
      if (rule.args.length === 0) {
        prog.push(jump(JEQ_K, nr, 0, 1), ret);
        continue;
      }
      // a block: test the number, then each argument; any failure falls to the end
      const body = rule.args.flatMap(argTest);
      body.push(ret, stmt(LD_W_ABS, OFF_NR)); // the number back in A for the next rule
      const block = [jump(JEQ_K, nr, 0, body.length - 1), ...body];
      const end = block.length - 1; // the reload is where a failed test lands
      block.forEach((insn, i) => {
        if (insn.jt === -1) insn.jt = end - i - 1;
        if (insn.jf === -1) insn.jf = end - i - 1;
      });
      prog.push(...block);
    }
  }
  prog.push(stmt(RET_K, deny));
  if (prog.length > MAX_INSNS)
    throw new EngineError('invalid', `seccomp program too long (${prog.length} instructions)`);
  const out = Buffer.alloc(prog.length * 8);
  prog.forEach((insn, i) => {
    if (insn.jt < 0 || insn.jt > 255 || insn.jf < 0 || insn.jf > 255) {
      throw new EngineError('internal', 'seccomp jump out of range');
    }
    out.writeUInt16LE(insn.code, i * 8);
    out.writeUInt8(insn.jt, i * 8 + 2);
    out.writeUInt8(insn.jf, i * 8 + 3);
    out.writeUInt32LE(insn.k, i * 8 + 4);
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

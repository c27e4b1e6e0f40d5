import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Process } from '../oci/spec.ts';
import { Runtime } from './runtime.ts';
import { startFailureExitCode } from './start-failure.ts';
import { readLog, removeTasks, TestBed } from './testing.ts';

// Real containers: root, namespaces, overlayfs and the built helper (make -C agent/native).
const bed = new TestBed();
const rt = new Runtime({ tasksDir: bed.tasksDir });
let n = 0;
const nextId = () => `berthtest-${process.pid}-${n++}`;

async function drain(stream: NodeJS.ReadableStream | null): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

async function runToEnd(args: string[]) {
  const id = nextId();
  const o = bed.container(id, args);
  await rt.run(id, o);
  const status = await rt.wait(id);
  return { id, status, log: readLog(o.logPath) };
}

describe('runtime (real containers)', () => {
  before(() => {
    assert.equal(process.getuid?.(), 0, 'these tests need root');
  });

  after(async () => {
    await removeTasks(rt);
    const left = bed.leftoverMounts();
    bed.cleanup();
    assert.deepEqual(left, [], 'nothing may stay mounted');
  });

  test('the command is PID 1 and sees no host process', async () => {
    const { status, log } = await runToEnd(['sh', '-c', 'echo $$; ps -o pid,comm']);
    assert.equal(status.exitCode, 0);
    assert.equal(log.stdout[0], '1\n');
    const pids = log.stdout.slice(2).map((l) => Number(l.trim().split(/\s+/)[0]));
    assert.ok(pids.length >= 1 && pids.every((p) => p < 10), `only container pids: ${log.stdout.join('')}`);
  });

  test('hostname is the container’s own', async () => {
    const { log } = await runToEnd(['hostname']);
    assert.match(log.stdout[0] ?? '', /^berthtest-/);
    assert.notEqual(hostname(), (log.stdout[0] ?? '').trim());
  });

  test('exit codes come back', async () => {
    assert.deepEqual((await runToEnd(['sh', '-c', 'exit 7'])).status, { exitCode: 7, signal: 0 });
    assert.deepEqual((await runToEnd(['true'])).status, { exitCode: 0, signal: 0 });
  });

  test('a missing command fails with 127 and Docker’s message; a non-executable one with 126', async () => {
    const id = nextId();
    await assert.rejects(rt.run(id, bed.container(id, ['nosuchcmd'])), (err: Error) => {
      assert.equal(err.message, 'exec: "nosuchcmd": executable file not found in $PATH');
      assert.equal(startFailureExitCode(err), 127);
      return true;
    });
    assert.deepEqual(await rt.wait(id), { exitCode: 127, signal: 0 });
    assert.equal((await rt.state(id)).error, 'exec: "nosuchcmd": executable file not found in $PATH');
    const id2 = nextId();
    await assert.rejects(rt.run(id2, bed.container(id2, ['/etc/passwd'])), (err: Error) => {
      assert.equal(startFailureExitCode(err), 126);
      assert.match(err.message, /permission denied/);
      return true;
    });
  });

  test('create waits for start; kill delivers a signal', async () => {
    const id = nextId();
    const o = bed.container(id, [
      'sh',
      '-c',
      'trap "echo term; exit 42" TERM; echo up; while true; do sleep 0.05; done',
    ]);
    const created = await rt.create(id, o);
    assert.equal(created.status, 'created');
    assert.equal((await rt.state(id)).status, 'created');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(readLog(o.logPath).stdout, [], 'nothing runs before start');
    await rt.start(id);
    assert.equal((await rt.state(id)).status, 'running');
    await waitFor(() => readLog(o.logPath).stdout.includes('up\n'));
    await rt.kill(id, 'SIGTERM');
    assert.deepEqual(await rt.wait(id), { exitCode: 42, signal: 0 });
    const id2 = nextId();
    await rt.run(id2, bed.container(id2, ['sleep', '100']));
    await rt.kill(id2, 'SIGKILL');
    assert.deepEqual(await rt.wait(id2), { exitCode: 137, signal: 9 });
    await rt.delete(id2);
    await assert.rejects(rt.state(id2), { code: 'not_found' });
  });

  test('the init joins the cgroups it is given', async () => {
    const cg = `/sys/fs/cgroup/pids/berthtest-${process.pid}`;
    mkdirSync(cg);
    try {
      const id = nextId();
      const o = bed.container(id, ['cat', '/proc/self/cgroup']);
      await rt.run(id, { ...o, cgroupProcs: [join(cg, 'cgroup.procs')] });
      await rt.wait(id);
      // inside its cgroup namespace the container's cgroup is the root
      assert.ok(
        readLog(o.logPath).stdout.some((l) => /^\d+:pids:\/\n$/.test(l)),
        readLog(o.logPath).stdout.join(''),
      );
    } finally {
      await waitFor(() => readFileSync(join(cg, 'cgroup.procs'), 'utf8') === '');
      (await import('node:fs')).rmdirSync(cg);
    }
  });

  test('exec: a TTY from the container’s devpts; without one stdout and stderr stay apart; stdin', async () => {
    const id = nextId();
    await rt.run(id, bed.container(id, ['sleep', '100']));
    const env = ['PATH=/bin'];
    const tty = await rt.exec(id, { process: Process.parse({ args: ['tty'], terminal: true, env }) });
    tty.stdin.end();
    const [ttyOut, ttyExit] = await Promise.all([drain(tty.stdout), tty.exited]);
    assert.equal(ttyExit.exitCode, 0);
    assert.match(ttyOut, /^\/dev\/pts\/\d+\r\n$/);

    const plain = await rt.exec(id, {
      process: Process.parse({ args: ['sh', '-c', 'echo out; echo err >&2; tty'], env }),
    });
    plain.stdin.end();
    const [out, err, plainExit] = await Promise.all([drain(plain.stdout), drain(plain.stderr), plain.exited]);
    assert.equal(out, 'out\nnot a tty\n');
    assert.equal(err, 'err\n');
    assert.equal(plainExit.exitCode, 1);

    const cat = await rt.exec(id, { process: Process.parse({ args: ['cat'], env }) });
    cat.stdin.end('through stdin\n');
    assert.equal(await drain(cat.stdout), 'through stdin\n');
    assert.equal((await cat.exited).exitCode, 0);

    const missing = await rt.exec(id, { process: Process.parse({ args: ['nosuchcmd'], env }) });
    missing.stdin.end();
    const m = await missing.exited;
    assert.equal(m.exitCode, 127);
    assert.equal(m.error, 'exec: "nosuchcmd": executable file not found in $PATH');

    await rt.kill(id, 'SIGKILL');
    await rt.wait(id);
  });

  test('rlimits above the host’s hard limit are clamped to it', async () => {
    const id = nextId();
    const o = bed.container(id, ['sh', '-c', 'ulimit -n; ulimit -Hn']);
    const spec = {
      ...o.spec,
      process: { ...o.spec.process, rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }] },
    };
    await rt.run(id, { ...o, spec });
    assert.deepEqual(await rt.wait(id), { exitCode: 0, signal: 0 });
    const hard = (await import('node:child_process')).execFileSync('sh', ['-c', 'ulimit -Hn'], {
      encoding: 'utf8',
    });
    assert.deepEqual(readLog(o.logPath).stdout, [hard, hard]);
  });

  test('attach: stdin in, output out, exit status at the end', async () => {
    const id = nextId();
    const o = bed.container(id, ['sh', '-c', 'read line; echo "got $line"; echo bye >&2']);
    await rt.run(id, { ...o, stdin: true });
    const session = await rt.attach(id, { stdin: true });
    session.write(Buffer.from('hello\n'));
    const seen: string[] = [];
    for await (const chunk of session.output) seen.push(`${chunk.stream}:${chunk.data.toString()}`);
    assert.deepEqual(await session.exited, { exitCode: 0, signal: 0 });
    assert.ok(seen.includes('stdout:got hello\n'), seen.join('|'));
    assert.ok(seen.includes('stderr:bye\n'), seen.join('|'));
  });

  test('a container that does not read its stdin never stalls its monitor', async () => {
    const id = nextId();
    const o = bed.container(id, ['sh', '-c', 'echo first; sleep 0.3; echo second; sleep 100']);
    await rt.run(id, { ...o, stdin: true });
    const session = await rt.attach(id, { stdin: true });
    session.write(Buffer.alloc(512 * 1024, 'x')); // far more than a pipe holds
    await waitFor(() => readLog(o.logPath).stdout.includes('second\n'));
    await rt.kill(id, 'SIGKILL');
    assert.equal((await rt.wait(id)).exitCode, 137);
    session.close();
  });

  test('a TTY container: its pty comes from its devpts, output is logged as stdout, resize works', async () => {
    const id = nextId();
    const o = bed.container(id, ['sh', '-c', 'tty; read size; stty size']);
    const spec = {
      ...o.spec,
      process: { ...(o.spec.process as object), terminal: true, args: o.spec.process.args },
    };
    await rt.run(id, { ...o, spec, stdin: true });
    const session = await rt.attach(id, { stdin: true });
    await rt.resize(id, 33, 101);
    // typed only once `tty` has answered: the terminal echoes input, which would come first
    await waitFor(() => readLog(o.logPath).stdout.length > 0);
    session.write(Buffer.from('go\n'));
    let seen = '';
    for await (const chunk of session.output) seen += chunk.data.toString();
    assert.deepEqual(await session.exited, { exitCode: 0, signal: 0 });
    assert.match(seen, /33 101\r\n/, 'output after attaching, the new size included');
    const log = readLog(o.logPath);
    assert.equal(log.stderr.length, 0);
    assert.equal(log.stdout[0], '/dev/pts/0\r\n');
  });

  const chatty = ['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done'];
  const numbers = (lines: string[]) => lines.map((l) => Number(l.replace(/^\D+/, '')));
  const consecutive = (nums: number[]) => nums.every((v, i) => i === 0 || v === (nums[i - 1] ?? 0) + 1);

  test('logs keep every line in order per stream', async () => {
    const { log } = await runToEnd(chatty);
    assert.deepEqual(numbers(log.stdout), [...Array(300).keys()]);
    assert.deepEqual(numbers(log.stderr), [...Array(300).keys()]);
  });

  test('logs rotate by size, keeping max-file files', async () => {
    const id = nextId();
    const o = bed.container(id, chatty);
    await rt.run(id, { ...o, log: { path: o.logPath, maxSizeBytes: 4000, maxFiles: 3 } });
    await rt.wait(id);
    const files = readdirSync(o.dir).filter((f) => f.startsWith(`${id}-json.log`));
    assert.deepEqual(files.sort(), [`${id}-json.log`, `${id}-json.log.1`, `${id}-json.log.2`]);
    for (const f of files) assert.ok(statSync(join(o.dir, f)).size <= 4000);
    const kept = [`${o.logPath}.2`, `${o.logPath}.1`, o.logPath].map(readLog);
    const out = numbers(kept.flatMap((l) => l.stdout));
    const err = numbers(kept.flatMap((l) => l.stderr));
    assert.ok(out.length + err.length > 100, 'about 12000 bytes of records kept');
    assert.ok(consecutive(out) && consecutive(err), 'what is kept is in order, without gaps');
    assert.ok(out.at(-1) === 299 || err.at(-1) === 299, 'the newest lines are in the live file');
  });

  test('a monitor killed with SIGKILL: the container is still killable and delete unmounts its rootfs', async () => {
    const id = nextId();
    const o = bed.container(id, ['sleep', '100']);
    await rt.run(id, o);
    const { monitorPid } = JSON.parse(readFileSync(join(bed.tasksDir, id, 'state.json'), 'utf8')) as {
      monitorPid: number;
    };
    process.kill(monitorPid, 'SIGKILL');
    await waitFor(() => {
      try {
        return readFileSync(`/proc/${monitorPid}/stat`, 'utf8').includes(') Z');
      } catch {
        return true;
      }
    });
    const state = await rt.state(id);
    assert.equal(state.status, 'running');
    assert.equal(state.error, 'monitor lost');
    await rt.delete(id, { force: true });
    assert.deepEqual(
      bed.leftoverMounts().filter((m) => m.startsWith(o.dir)),
      [],
    );
  });

  test('a SIGKILLed agent leaves the container running; a new Runtime adopts it and gets its exit code', async () => {
    const id = nextId();
    const o = bed.container(id, ['sh', '-c', 'sleep 1.5; echo late; exit 9']);
    const script = join(bed.root, 'agent.mts');
    writeFileSync(
      script,
      `import { Runtime } from ${JSON.stringify(join(import.meta.dirname, 'runtime.ts'))};
const rt = new Runtime({ tasksDir: ${JSON.stringify(bed.tasksDir)} });
const s = await rt.run(${JSON.stringify(id)}, ${JSON.stringify(o)});
console.log(s.pid);
setInterval(() => {}, 1000);
`,
    );
    const agent = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pidLine = await new Promise<string>((resolve) =>
      agent.stdout.once('data', (d: Buffer) => resolve(d.toString())),
    );
    const pid = Number(pidLine.trim());
    agent.kill('SIGKILL');
    await new Promise((r) => agent.once('close', r));
    process.kill(pid, 0); // still there
    const fresh = new Runtime({ tasksDir: bed.tasksDir });
    assert.equal((await fresh.state(id)).status, 'running');
    assert.deepEqual(await fresh.wait(id), { exitCode: 9, signal: 0 });
    assert.deepEqual(readLog(o.logPath).stdout, ['late\n'], 'output kept being logged');
  });
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

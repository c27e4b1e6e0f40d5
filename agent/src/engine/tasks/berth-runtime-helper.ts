import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { nativeHelperPath } from '../../native/helper-path.ts';
import { EngineError } from '../errors.ts';
import { connectMonitor, frame, frames, parseExit, readFrames } from './monitor-client.ts';
import type {
  AttachChunk,
  AttachSession,
  ExecChild,
  ExitStatus,
  NativeHelper,
  RunReport,
} from './native-helper.ts';
import { encodePlan, type PlanOp } from './plan.ts';
import { StartFailure } from './start-failure.ts';

function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  return new Promise((resolve) => {
    if (!stream) return resolve('');
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
    stream.on('error', () => resolve(Buffer.concat(chunks).toString()));
  });
}

const REPORT = /^(created|running) (\d+) (\d+) (\d+)$/;
const ERROR = /^error (\d+) ?(.*)$/;

/** The real helper: the berth-runtime binary and its monitors' sockets. */
export class BerthRuntimeHelper implements NativeHelper {
  constructor(private readonly path = nativeHelperPath()) {}

  async run(plan: readonly PlanOp[]): Promise<RunReport> {
    const child = spawn(this.path, ['run'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    const closed = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      // 'close' waits for the monitor to let go of our stdout, i.e. for its report
      child.once('close', (code) => resolve(code));
    });
    child.stdin.on('error', () => {}); // a helper that died early shows up below, not as EPIPE
    child.stdin.end(encodePlan(plan));
    let code: number | null;
    try {
      code = await closed;
    } catch (cause) {
      throw new EngineError('unavailable', `cannot run ${this.path}`, { cause });
    }
    const line = (await out).split('\n')[0] ?? '';
    const stderr = (await err).trim();
    const ok = REPORT.exec(line);
    if (ok) {
      return {
        status: ok[1] as 'created' | 'running',
        pid: Number(ok[2]),
        pidStartTime: Number(ok[3]),
        monitorPid: Number(ok[4]),
      };
    }
    const bad = ERROR.exec(line);
    const exitCode = bad ? Number(bad[1]) : (code ?? 125);
    const message = [bad?.[2], stderr].filter((s) => s).join(': ') || `berth-runtime run exited with ${code}`;
    throw new EngineError(exitCode === 125 ? 'internal' : 'invalid', message, {
      cause: new StartFailure(exitCode),
    });
  }

  exec(plan: readonly PlanOp[]): ExecChild {
    const tty = plan.some((op) => op[0] === 'terminal');
    const child = spawn(this.path, ['exec'], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    const control = child.stdio[3] as Duplex;
    control.write(encodePlan(plan));
    const helperErr = tty ? collect(child.stderr) : Promise.resolve('');
    let error: string | undefined;
    let exitLine: ExitStatus | undefined;
    let onPid: (pid: number) => void = () => {};
    const started = new Promise<number>((resolve) => {
      onPid = resolve;
    });
    let buf = '';
    control.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const [word, a = '', ...rest] = line.split(' ');
        if (word === 'pid') onPid(Number(a));
        else if (word === 'error') error = rest.join(' ');
        else if (word === 'exit') exitLine = { exitCode: Number(a), signal: Number(rest[0] ?? 0) };
      }
    });
    control.on('error', () => {});
    const exited = new Promise<ExitStatus & { error?: string }>((resolve, reject) => {
      child.once('error', (cause) =>
        reject(new EngineError('unavailable', `cannot run ${this.path}`, { cause })),
      );
      child.once('close', async (code, signal) => {
        const status = exitLine ?? { exitCode: code ?? 128 + (signal ? 9 : 0), signal: 0 };
        const msg = error ?? (status.exitCode === 125 ? (await helperErr).trim() || undefined : undefined);
        resolve(msg ? { ...status, error: msg } : status);
      });
    });
    const startedOrFailed = Promise.race([
      started,
      exited.then((s) => {
        throw new EngineError('invalid', s.error ?? `exec failed with ${s.exitCode}`, {
          cause: new StartFailure(s.exitCode),
        });
      }),
    ]);
    startedOrFailed.catch(() => {});
    return {
      started: startedOrFailed,
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: tty ? null : child.stderr,
      resize: (rows, cols) => {
        control.write(`r ${rows} ${cols}\n`);
      },
      exited,
    };
  }

  async start(socketPath: string): Promise<void> {
    const socket = await connectMonitor(socketPath);
    if (!socket)
      throw new EngineError('conflict', 'the container is not waiting to start (its monitor is gone)');
    socket.write(frame('s'));
    try {
      for await (const f of readFrames(socket)) {
        if (f.type === 'o') return;
        if (f.type === 'e') throw new EngineError('conflict', f.payload.toString());
      }
      throw new EngineError('conflict', 'the container exited before it started');
    } finally {
      socket.destroy();
    }
  }

  async wait(socketPath: string): Promise<ExitStatus | undefined> {
    const socket = await connectMonitor(socketPath);
    if (!socket) return undefined;
    socket.write(frame('w'));
    try {
      for await (const f of readFrames(socket)) if (f.type === 'x') return parseExit(f.payload);
      return undefined;
    } catch {
      return undefined;
    } finally {
      socket.destroy();
    }
  }

  async attach(socketPath: string, opts: { stdin: boolean }): Promise<AttachSession> {
    const socket = await connectMonitor(socketPath);
    if (!socket) throw new EngineError('conflict', 'the container is not running');
    socket.write(frame('a'));
    let settle: (s: ExitStatus | undefined) => void = () => {};
    const exited = new Promise<ExitStatus | undefined>((resolve) => {
      settle = resolve;
    });
    async function* output(): AsyncGenerator<AttachChunk> {
      try {
        for await (const f of readFrames(socket!)) {
          if (f.type === '1') yield { stream: 'stdout', data: f.payload };
          else if (f.type === '2') yield { stream: 'stderr', data: f.payload };
          else if (f.type === 'x') settle(parseExit(f.payload));
        }
      } catch {
        // a reset connection ends the output like a close
      } finally {
        settle(undefined);
      }
    }
    socket.on('error', () => {});
    return {
      output: output(),
      write: (data) => {
        if (opts.stdin) for (const f of frames('i', data)) socket.write(f);
      },
      closeStdin: () => {
        if (opts.stdin) socket.write(frame('c'));
      },
      resize: (rows, cols) => {
        socket.write(frame('r', `${rows} ${cols}`));
      },
      exited,
      close: () => socket.destroy(),
    };
  }

  async resize(socketPath: string, rows: number, cols: number): Promise<void> {
    const socket = await connectMonitor(socketPath);
    if (!socket) throw new EngineError('conflict', 'the container is not running');
    socket.write(frame('r', `${rows} ${cols}`));
    try {
      for await (const f of readFrames(socket)) if (f.type === 'o') return;
    } finally {
      socket.destroy();
    }
  }

  async unmount(target: string): Promise<void> {
    const child = spawn(this.path, ['unmount', target], { stdio: ['ignore', 'ignore', 'pipe'] });
    const err = collect(child.stderr);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new EngineError('internal', (await err).trim() || `unmount ${target} failed`);
  }

  signal(pid: number, signal: number): void {
    process.kill(pid, signal);
  }
}

import { PassThrough } from 'node:stream';
import { EngineError } from '../errors.ts';
import type { AttachSession, ExecChild, ExitStatus, NativeHelper, RunReport } from './native-helper.ts';
import type { PlanOp } from './plan.ts';

export type RecordedCall =
  | { op: 'run'; plan: readonly PlanOp[] }
  | { op: 'exec'; plan: readonly PlanOp[] }
  | { op: 'start' | 'wait'; socketPath: string }
  | { op: 'attach'; socketPath: string; stdin: boolean }
  | { op: 'resize'; socketPath: string; rows: number; cols: number }
  | { op: 'unmount'; target: string }
  | { op: 'signal'; pid: number; signal: number };

/**
 * A NativeHelper that touches nothing: it records each call and answers from
 * what the test set. Unit tests of the runtime's decisions use it; the real
 * helper is tested against the kernel.
 */
export class RecordingHelper implements NativeHelper {
  readonly calls: RecordedCall[] = [];
  runReport: RunReport = { status: 'running', pid: 4242, pidStartTime: 1, monitorPid: 4241 };
  runError: EngineError | undefined;
  exitStatus: ExitStatus | undefined = { exitCode: 0, signal: 0 };

  async run(plan: readonly PlanOp[]): Promise<RunReport> {
    this.calls.push({ op: 'run', plan });
    if (this.runError) throw this.runError;
    return this.runReport;
  }

  exec(plan: readonly PlanOp[]): ExecChild {
    this.calls.push({ op: 'exec', plan });
    const stdout = new PassThrough();
    stdout.end();
    const stderr = new PassThrough();
    stderr.end();
    return {
      started: Promise.resolve(4243),
      stdin: new PassThrough(),
      stdout,
      stderr,
      resize: () => {},
      exited: Promise.resolve(this.exitStatus ?? { exitCode: 0, signal: 0 }),
    };
  }

  async start(socketPath: string): Promise<void> {
    this.calls.push({ op: 'start', socketPath });
  }

  async wait(socketPath: string): Promise<ExitStatus | undefined> {
    this.calls.push({ op: 'wait', socketPath });
    return this.exitStatus;
  }

  async attach(socketPath: string, opts: { stdin: boolean }): Promise<AttachSession> {
    this.calls.push({ op: 'attach', socketPath, stdin: opts.stdin });
    throw new EngineError('unavailable', 'RecordingHelper does not attach');
  }

  async resize(socketPath: string, rows: number, cols: number): Promise<void> {
    this.calls.push({ op: 'resize', socketPath, rows, cols });
  }

  async unmount(target: string): Promise<void> {
    this.calls.push({ op: 'unmount', target });
  }

  signal(pid: number, signal: number): void {
    this.calls.push({ op: 'signal', pid, signal });
  }
}

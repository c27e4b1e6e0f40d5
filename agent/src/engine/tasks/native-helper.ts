import type { Readable, Writable } from 'node:stream';
import type { PlanOp } from './plan.ts';

/** How a process ended: Docker's exit code (128+N for signal N) and the signal, 0 if none. */
export interface ExitStatus {
  exitCode: number;
  signal: number;
}

/** What the monitor reported once the container's init was created or running. */
export interface RunReport {
  status: 'created' | 'running';
  pid: number;
  /** /proc/<pid>/stat start time, to tell the init from a later process with its pid */
  pidStartTime: number;
  monitorPid: number;
}

/** A process started by `berth-runtime exec`. */
export interface ExecChild {
  /** resolves once the process runs; rejects with the reason it could not (127/126 lookup failures included) */
  readonly started: Promise<number>;
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** null with a terminal: a pty has one output stream */
  readonly stderr: Readable | null;
  resize(rows: number, cols: number): void;
  /** with the reason when the command could not run (127 not found, 126 not executable) */
  readonly exited: Promise<ExitStatus & { error?: string }>;
}

/** Output of an attach: one chunk from stdout or stderr (a TTY container only has stdout). */
export interface AttachChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** A connection to a container's monitor, attached to its main process. */
export interface AttachSession {
  /** every output chunk from the moment of attaching; ends when the container exits */
  readonly output: AsyncIterable<AttachChunk>;
  write(data: Uint8Array): void;
  closeStdin(): void;
  resize(rows: number, cols: number): void;
  /** the exit status, or undefined if the connection ended first */
  readonly exited: Promise<ExitStatus | undefined>;
  close(): void;
}

/**
 * Every call from the engine into berth-runtime and its monitors goes through
 * this interface (youki's syscall/ habit): the real one spawns the binary and
 * speaks the monitor socket; RecordingHelper stands in for unit tests.
 */
export interface NativeHelper {
  /** `berth-runtime run`: one spawn per container; resolves with the monitor's report */
  run(plan: readonly PlanOp[]): Promise<RunReport>;
  /** `berth-runtime exec`: a process inside a running container */
  exec(plan: readonly PlanOp[]): ExecChild;
  /** releases a created container's init into its command */
  start(socketPath: string): Promise<void>;
  /** resolves when the monitor reports the exit; undefined if the monitor is gone */
  wait(socketPath: string): Promise<ExitStatus | undefined>;
  attach(socketPath: string, opts: { stdin: boolean }): Promise<AttachSession>;
  resize(socketPath: string, rows: number, cols: number): Promise<void>;
  /** `berth-runtime unmount`: a rootfs left mounted by a monitor that died */
  unmount(target: string): Promise<void>;
  /** kill(2) */
  signal(pid: number, signal: number): void;
}

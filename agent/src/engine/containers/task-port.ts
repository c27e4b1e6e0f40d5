import type { RuntimeSpecInput } from '../oci/spec.ts';
import type { MountSpec } from '../snapshots/snapshotter.ts';
import type { AttachSession } from '../tasks/index.ts';

/**
 * What the containers layer needs from the runtime (tasks/). A port, so the
 * lifecycle logic is testable and the runtime stays free to change inside.
 */
export interface TaskLaunch {
  id: string;
  /** the OCI runtime spec (config.json content) the containers layer resolved */
  spec: RuntimeSpecInput;
  rootfs: MountSpec;
  cgroupProcs: string[];
  logDir: string;
  logMaxSizeBytes?: number;
  logMaxFiles: number;
  tty: boolean;
  openStdin: boolean;
}

export interface TaskExit {
  exitCode: number;
  /** set when the process died of a signal (exitCode is then 128 + signal) */
  signal?: number;
  /** ISO time the monitor saw the exit */
  finishedAt: string;
}

export type AdoptResult = { running: true; pid: number } | { running: false; exit: TaskExit } | undefined;

export interface TaskPort {
  /**
   * runs the container's first process under a monitor; resolves once it was
   * exec'd. `beforeExec` runs while the process is set up but not yet exec'd
   * (OCI create/start), so attaching there loses none of its output.
   */
  start(launch: TaskLaunch, beforeExec?: () => Promise<void>): Promise<{ pid: number }>;
  attach(id: string, opts: { stdin: boolean }): Promise<AttachSession>;
  /** resolves when the task exits (also for a task adopted after an agent restart) */
  waitExit(id: string): Promise<TaskExit>;
  kill(id: string, signal: number): Promise<void>;
  /** after an agent restart: is the task still running, or how did it end? undefined if unknown */
  adopt(id: string): Promise<AdoptResult>;
  /** after the exit: unmounts the rootfs and removes the task's runtime files */
  cleanup(id: string): Promise<void>;
}

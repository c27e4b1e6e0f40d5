import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** state.json, written by the monitor (monitor.c write_state) with write + rename. */
export const MonitorState = z.object({
  status: z.enum(['created', 'running', 'stopped']),
  pid: z.number().int(),
  pidStartTime: z.number().int(),
  monitorPid: z.number().int(),
  monitorStartTime: z.number().int(),
  exitCode: z.number().int().nullable(),
  signal: z.number().int().nullable(),
  error: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type MonitorState = z.infer<typeof MonitorState>;

/** task.json, written by the runtime before the helper runs: what exec and attach need later. */
export const TaskRecord = z.object({
  id: z.string(),
  socketPath: z.string(),
  cgroupProcs: z.array(z.string()),
  terminal: z.boolean(),
  rootfs: z.string(),
  /** the overlay the monitor mounted (and unmounts when the container stops) */
  overlayTarget: z.string().optional(),
});
export type TaskRecord = z.infer<typeof TaskRecord>;

export type TaskStatus = 'created' | 'running' | 'stopped';

export interface TaskState {
  id: string;
  status: TaskStatus;
  pid: number;
  /** set once stopped */
  exitCode?: number;
  signal?: number;
  /** why the start failed, or why the status is unknown */
  error?: string;
  startedAt?: string;
  finishedAt?: string;
}

export const canStart = (s: TaskState): boolean => s.status === 'created';
export const canKill = (s: TaskState): boolean => s.status !== 'stopped';

/** field 22 of /proc/<pid>/stat, or undefined when the process is gone (or a zombie) */
export async function procStartTime(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): a zombie has ended, whoever reaps it
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    const value = fields[19];
    return value === undefined ? undefined : Number(value);
  } catch {
    return undefined;
  }
}

/** true when pid still names the process that started at startTime (not a reuse of the number) */
export async function sameProcess(pid: number, startTime: number): Promise<boolean> {
  if (pid <= 0) return false;
  return (await procStartTime(pid)) === startTime;
}

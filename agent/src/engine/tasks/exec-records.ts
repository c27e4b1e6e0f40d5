import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { sameProcess } from './task-state.ts';

/**
 * Execs outlive the agent as containers do: under the task dir, `execs/<id>.json` holds what the
 * caller wants back after a restart (its config), and the helper keeps `execs/<id>.state.json`
 * (exec.c write_exec_state, temp file + rename) with the pid and, at the end, the exit.
 */
const ExecHelperState = z.object({
  status: z.enum(['running', 'exited']),
  pid: z.number().int(),
  pidStartTime: z.number().int(),
  helperPid: z.number().int(),
  helperStartTime: z.number().int(),
  exitCode: z.number().int(),
  signal: z.number().int(),
});

const ExecId = z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'an exec id is [a-zA-Z0-9_.-]');

export interface ExecRecord {
  execId: string;
  /** what the caller stored at start */
  meta: unknown;
  status: 'running' | 'exited';
  pid: number;
  /** set once exited; 255 when the helper vanished without recording one */
  exitCode?: number;
}

const dirOf = (taskDir: string) => join(taskDir, 'execs');

/** Writes the exec's meta; returns the state path the helper is to keep. */
export async function prepareExecRecord(taskDir: string, execId: string, meta: unknown): Promise<string> {
  const id = ExecId.safeParse(execId);
  if (!id.success)
    throw new EngineError('invalid', `exec id ${JSON.stringify(execId)}: ${id.error.issues[0]?.message}`);
  await mkdir(dirOf(taskDir), { recursive: true, mode: 0o700 });
  await writeFile(join(dirOf(taskDir), `${execId}.json`), JSON.stringify(meta ?? null));
  return join(dirOf(taskDir), `${execId}.state.json`);
}

export async function readExecRecord(taskDir: string, execId: string): Promise<ExecRecord | undefined> {
  const dir = dirOf(taskDir);
  let meta: unknown;
  try {
    meta = JSON.parse(await readFile(join(dir, `${execId}.json`), 'utf8'));
  } catch {
    return undefined;
  }
  const raw = await readFile(join(dir, `${execId}.state.json`), 'utf8').catch(() => undefined);
  const state = raw === undefined ? undefined : ExecHelperState.safeParse(JSON.parse(raw));
  if (!state?.success) return { execId, meta, status: 'exited', pid: 0, exitCode: 255 }; // never started
  const s = state.data;
  if (s.status === 'exited') return { execId, meta, status: 'exited', pid: s.pid, exitCode: s.exitCode };
  // "running" is only true while the helper that would record the end lives
  if (await sameProcess(s.helperPid, s.helperStartTime))
    return { execId, meta, status: 'running', pid: s.pid };
  return { execId, meta, status: 'exited', pid: s.pid, exitCode: 255 };
}

export async function readExecRecords(taskDir: string): Promise<ExecRecord[]> {
  const names = await readdir(dirOf(taskDir)).catch(() => [] as string[]);
  const ids = names
    .filter((n) => n.endsWith('.json') && !n.endsWith('.state.json'))
    .map((n) => n.slice(0, -5));
  const records = await Promise.all(ids.map((id) => readExecRecord(taskDir, id)));
  return records.filter((r): r is ExecRecord => r !== undefined);
}

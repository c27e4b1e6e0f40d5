import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { EngineError, isEngineError } from '../errors.ts';
import { compileSeccomp } from '../oci/seccomp-bpf.ts';
import { SeccompProfile } from '../oci/seccomp-profile.ts';
import { type Process, RuntimeSpec, type RuntimeSpecInput } from '../oci/spec.ts';
import { BerthRuntimeHelper } from './berth-runtime-helper.ts';
import { type ExecRecord, prepareExecRecord, readExecRecord, readExecRecords } from './exec-records.ts';
import { hostCgroupMounts } from './host-cgroups.ts';
import type { AttachSession, ExecChild, ExitStatus, NativeHelper } from './native-helper.ts';
import { type CgroupMountSource, type OverlayMount, type PlanOp, processOps, specToPlan } from './plan.ts';
import { canKill, canStart, MonitorState, sameProcess, TaskRecord, type TaskState } from './task-state.ts';

const TASK_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export interface RuntimeOptions {
  /** the engine's tasks/ directory (dataLayout().tasks) */
  tasksDir: string;
  helper?: NativeHelper;
  /** the host's cgroup hierarchies for containers' /sys/fs/cgroup; read from /proc by default */
  cgroupMounts?: CgroupMountSource[];
}

export interface CreateTaskOptions {
  spec: RuntimeSpecInput;
  /** the container's overlay (snapshotter MountSpec), mounted by the helper at its target = spec.root.path */
  overlay?: OverlayMount;
  /** Cgroup.procsFiles() of the container's cgroup; none: the init stays in the agent's cgroup */
  cgroupProcs?: string[];
  /** json-file log; absent: output is dropped unless attached */
  log?: { path: string; maxSizeBytes?: number; maxFiles?: number };
  /** keep stdin open for attach (docker run -i) */
  stdin?: boolean;
  /** a compiled filter; absent: spec.linux.seccomp compiled, if any */
  seccompBpf?: Uint8Array;
}

export interface ExecOptions {
  /** the process to run: user, env, cwd, capabilities as resolved by the containers layer */
  process: Process;
  /** absent: the container's own filter (kept in the task dir), as Docker does */
  seccompBpf?: Uint8Array;
  /** with it, the exec is recorded in the task dir and outlives the agent (execs(), execRecord()) */
  record?: { execId: string; meta: unknown };
}

async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  // mountinfo escapes spaces and the like as octal
  return info
    .split('\n')
    .some(
      (l) =>
        l.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(Number.parseInt(o, 8))) ===
        path,
    );
}

const signalNumber = (signal: number | NodeJS.Signals): number => {
  if (typeof signal === 'number') return signal;
  const n = constants.signals[signal];
  if (n === undefined) throw new EngineError('invalid', `unknown signal ${signal}`);
  return n;
};

/**
 * Runs containers through berth-runtime. Holds no state of its own: every
 * answer comes from the files the monitors keep in tasks/<id>/, so a new
 * Runtime (after the agent restarted) adopts running containers as is.
 */
export class Runtime {
  private readonly helper: NativeHelper;
  private readonly cgroupMounts: () => CgroupMountSource[];

  constructor(private readonly opts: RuntimeOptions) {
    this.helper = opts.helper ?? new BerthRuntimeHelper();
    this.cgroupMounts = () => opts.cgroupMounts ?? hostCgroupMounts();
  }

  taskDir(id: string): string {
    if (!TASK_ID.test(id)) throw new EngineError('invalid', `bad task id ${JSON.stringify(id)}`);
    return join(this.opts.tasksDir, id);
  }

  /** the container's init set up and waiting for start() (OCI create) */
  create(id: string, o: CreateTaskOptions): Promise<TaskState> {
    return this.launch(id, o, false);
  }

  /** create and start in one helper call: the fast path */
  run(id: string, o: CreateTaskOptions): Promise<TaskState> {
    return this.launch(id, o, true);
  }

  private async launch(id: string, o: CreateTaskOptions, startNow: boolean): Promise<TaskState> {
    const dir = this.taskDir(id);
    const spec = RuntimeSpec.parse(o.spec);
    const socketPath = join(dir, 'sock');
    const seccompBpf =
      o.seccompBpf ??
      (spec.linux.seccomp ? compileSeccomp(SeccompProfile.parse(spec.linux.seccomp)) : undefined);
    const plan = specToPlan(spec, {
      id,
      taskDir: dir,
      socketPath,
      log: o.log,
      overlay: o.overlay,
      cgroupProcs: o.cgroupProcs,
      cgroupMounts: spec.mounts.some((m) => m.type === 'cgroup') ? this.cgroupMounts() : undefined,
      seccompBpf,
      stdin: o.stdin,
      startNow,
    });
    try {
      await mkdir(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new EngineError('conflict', `task ${id} exists`);
      throw err;
    }
    const record: TaskRecord = {
      id,
      socketPath,
      cgroupProcs: o.cgroupProcs ?? [],
      terminal: spec.process.terminal,
      rootfs: spec.root.path,
      overlayTarget: o.overlay?.target,
    };
    await writeFile(join(dir, 'task.json'), JSON.stringify(record));
    // exec'd processes get the container's filter too, as in Docker
    if (seccompBpf) await writeFile(join(dir, 'seccomp.bpf'), seccompBpf);
    try {
      const report = await this.helper.run(plan);
      return { id, status: report.status, pid: report.pid };
    } catch (err) {
      // the monitor recorded the failure in state.json (exit code, message); keep it for state() and wait()
      if (!isEngineError(err)) await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async start(id: string): Promise<void> {
    const state = await this.state(id);
    if (!canStart(state)) throw new EngineError('not_modified', `task ${id} is ${state.status}`);
    await this.helper.start((await this.record(id)).socketPath);
  }

  private async record(id: string): Promise<TaskRecord> {
    try {
      return TaskRecord.parse(JSON.parse(await readFile(join(this.taskDir(id), 'task.json'), 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new EngineError('not_found', `no task ${id}`);
      throw new EngineError('internal', `task ${id}: unreadable task.json`, { cause: err });
    }
  }

  private async monitorState(id: string): Promise<MonitorState | undefined> {
    try {
      return MonitorState.parse(JSON.parse(await readFile(join(this.taskDir(id), 'state.json'), 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new EngineError('internal', `task ${id}: unreadable state.json`, { cause: err });
    }
  }

  /** the task's state from its files, the monitor's liveness checked against pid reuse */
  async state(id: string): Promise<TaskState> {
    await this.record(id);
    const s = await this.monitorState(id);
    if (!s) {
      // no report yet: a launch in progress, or one that died before its monitor wrote anything
      return { id, status: 'stopped', pid: 0, exitCode: 125, signal: 0, error: 'the runtime did not start' };
    }
    const base = {
      id,
      pid: s.pid,
      startedAt: s.startedAt || undefined,
      finishedAt: s.finishedAt || undefined,
    };
    if (s.status === 'stopped') {
      return {
        ...base,
        status: 'stopped',
        exitCode: s.exitCode ?? 255,
        signal: s.signal ?? 0,
        error: s.error || undefined,
      };
    }
    if (await sameProcess(s.monitorPid, s.monitorStartTime)) return { ...base, status: s.status };
    // the monitor writes its last state before it exits: read again now that it is gone
    const last = await this.monitorState(id);
    if (last?.status === 'stopped') return this.state(id);
    // the monitor died without a last word (killed, host crash): whether the init lives decides
    if (await sameProcess(s.pid, s.pidStartTime)) return { ...base, status: s.status, error: 'monitor lost' };
    return {
      ...base,
      status: 'stopped',
      exitCode: 255,
      signal: 0,
      error: 'monitor lost; exit status unknown',
    };
  }

  async list(): Promise<TaskState[]> {
    let ids: string[];
    try {
      ids = await readdir(this.opts.tasksDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: TaskState[] = [];
    for (const id of ids) {
      if (!TASK_ID.test(id)) continue;
      try {
        out.push(await this.state(id));
      } catch (err) {
        if (!isEngineError(err, 'not_found')) throw err;
      }
    }
    return out;
  }

  async kill(id: string, signal: number | NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const sig = signalNumber(signal);
    const state = await this.state(id);
    if (!canKill(state)) throw new EngineError('conflict', `task ${id} is not running`);
    const s = await this.monitorState(id);
    if (!s || !(await sameProcess(s.pid, s.pidStartTime))) return; // exiting right now: its status is on the way
    try {
      this.helper.signal(s.pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  async wait(id: string): Promise<ExitStatus> {
    const { socketPath } = await this.record(id);
    for (let attempt = 0; ; attempt++) {
      // the monitor may have just gone (state.json then has the answer): look again at once;
      // it may also have had no room for another client (16 at once): then not in a busy loop
      if (attempt > 1) await new Promise((r) => setTimeout(r, 50));
      const state = await this.state(id);
      if (state.status === 'stopped') return { exitCode: state.exitCode ?? 255, signal: state.signal ?? 0 };
      const status = await this.helper.wait(socketPath);
      if (status) return status;
    }
  }

  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    const state = await this.state(id);
    if (state.status !== 'stopped') {
      if (!opts.force)
        throw new EngineError('conflict', `task ${id} is ${state.status}: stop it first or force`);
      await this.kill(id, 'SIGKILL');
      await this.wait(id);
    }
    // a monitor that died (SIGKILL, OOM) could not unmount the rootfs on its way out
    const { overlayTarget } = await this.record(id);
    if (overlayTarget && state.error?.startsWith('monitor lost') && (await isMountPoint(overlayTarget))) {
      await this.helper.unmount(overlayTarget);
    }
    await rm(this.taskDir(id), { recursive: true, force: true });
  }

  /** a new process in the container's namespaces and cgroup (docker exec) */
  async exec(id: string, o: ExecOptions): Promise<ExecChild> {
    const state = await this.state(id);
    if (state.status !== 'running') throw new EngineError('conflict', `task ${id} is not running`);
    const record = await this.record(id);
    const plan: PlanOp[] = [
      ['version', '1'],
      ['target-pid', String(state.pid)],
    ];
    for (const file of record.cgroupProcs) plan.push(['cgroup-procs', file]);
    const seccompBpf =
      o.seccompBpf ?? (await readFile(join(this.taskDir(id), 'seccomp.bpf')).catch(() => undefined));
    plan.push(...processOps(o.process, seccompBpf));
    if (o.record)
      plan.push(['exec-state', await prepareExecRecord(this.taskDir(id), o.record.execId, o.record.meta)]);
    const child = this.helper.exec(plan);
    return child;
  }

  /** the recorded execs of a task, running or ended, as the helpers left them */
  execs(id: string): Promise<ExecRecord[]> {
    return readExecRecords(this.taskDir(id));
  }

  execRecord(id: string, execId: string): Promise<ExecRecord | undefined> {
    return readExecRecord(this.taskDir(id), execId);
  }

  async attach(id: string, opts: { stdin?: boolean } = {}): Promise<AttachSession> {
    const state = await this.state(id);
    if (state.status === 'stopped') throw new EngineError('conflict', `task ${id} is not running`);
    return this.helper.attach((await this.record(id)).socketPath, { stdin: opts.stdin ?? false });
  }

  async resize(id: string, rows: number, cols: number): Promise<void> {
    const record = await this.record(id);
    if (!record.terminal) throw new EngineError('invalid', `task ${id} has no terminal`);
    await this.helper.resize(record.socketPath, rows, cols);
  }
}

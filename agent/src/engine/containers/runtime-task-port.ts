import { join } from 'node:path';
import { isEngineError } from '../errors.ts';
import type { Runtime } from '../tasks/index.ts';
import type { TaskState } from '../tasks/task-state.ts';
import type { TaskExit, TaskPort } from './task-port.ts';

/** Docker reports a death by signal N as exit code 128 + N. */
function exitOf(state: Pick<TaskState, 'exitCode' | 'signal' | 'finishedAt'>): TaskExit {
  const signal = state.signal ? state.signal : undefined;
  const exitCode =
    signal !== undefined && (state.exitCode ?? 0) < 128 ? 128 + signal : (state.exitCode ?? 255);
  return { exitCode, signal, finishedAt: state.finishedAt ?? new Date().toISOString() };
}

/** The containers layer's TaskPort over the tasks Runtime. */
export function runtimeTaskPort(runtime: Runtime): TaskPort {
  return {
    async start(launch, beforeExec) {
      const options = {
        spec: launch.spec,
        overlay: launch.rootfs,
        cgroupProcs: launch.cgroupProcs,
        log: {
          path: join(launch.logDir, `${launch.id}-json.log`),
          maxSizeBytes: launch.logMaxSizeBytes,
          maxFiles: launch.logMaxFiles,
        },
        stdin: launch.openStdin,
      };
      if (!beforeExec) return { pid: (await runtime.run(launch.id, options)).pid };
      const created = await runtime.create(launch.id, options);
      await beforeExec();
      await runtime.start(launch.id);
      return { pid: created.pid };
    },
    attach: (id, opts) => runtime.attach(id, opts),
    async waitExit(id) {
      const status = await runtime.wait(id);
      const state = await runtime.state(id).catch(() => undefined);
      return exitOf({ exitCode: status.exitCode, signal: status.signal, finishedAt: state?.finishedAt });
    },
    kill: (id, signal) => runtime.kill(id, signal),
    async adopt(id) {
      let state: TaskState;
      try {
        state = await runtime.state(id);
      } catch (err) {
        if (isEngineError(err, 'not_found')) return undefined;
        throw err;
      }
      return state.status === 'stopped'
        ? { running: false, exit: exitOf(state) }
        : { running: true, pid: state.pid };
    },
    async cleanup(id) {
      try {
        await runtime.delete(id, { force: true });
      } catch (err) {
        if (!isEngineError(err, 'not_found')) throw err;
      }
    },
  };
}

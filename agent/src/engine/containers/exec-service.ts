import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import type { Process } from '../oci/spec.ts';
import type { ExecChild, Runtime } from '../tasks/index.ts';
import type { ContainerRecord } from './record.ts';
import { mergeEnv } from './resolve-command.ts';
import { isActive } from './state.ts';

export const ExecConfig = z.object({
  cmd: z.array(z.string()),
  env: z.array(z.string()),
  user: z.string().optional(),
  workingDir: z.string().optional(),
  tty: z.boolean(),
  attachStdin: z.boolean(),
  attachStdout: z.boolean(),
  attachStderr: z.boolean(),
  privileged: z.boolean(),
});
export type ExecConfig = z.infer<typeof ExecConfig>;

/** how often a new agent looks whether an exec it adopted has ended (its helper records the end) */
const ADOPTED_POLL_MS = 250;

export interface ExecSession {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  child?: ExecChild;
}

/** Builds the exec's process from the container's own (caps, user, env), then the exec's overrides. */
export type ProcessFor = (record: ContainerRecord, exec: ExecConfig) => Promise<Process>;

/**
 * `docker exec`: sessions are created, then started (once), then kept for
 * inspection until their container goes away, as Docker does.
 */
export class ExecService {
  private readonly sessions = new Map<string, ExecSession>();

  constructor(
    private readonly runtime: Runtime,
    private readonly processFor: ProcessFor,
  ) {}

  create(record: ContainerRecord, config: ExecConfig): ExecSession {
    if (record.state.status === 'paused')
      throw new EngineError(
        'conflict',
        `Container ${record.id} is paused, unpause the container before exec`,
      );
    if (!isActive(record.state.status))
      throw new EngineError('conflict', `container ${record.id} is not running`);
    if (config.cmd.length === 0) throw new EngineError('invalid', 'No exec command specified');
    const session: ExecSession = {
      id: randomBytes(32).toString('hex'),
      containerId: record.id,
      config,
      running: false,
      exitCode: null,
      pid: 0,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string): ExecSession {
    const session = this.sessions.get(id);
    if (!session) throw new EngineError('not_found', `No such exec instance: ${id}`);
    return session;
  }

  forContainer(containerId: string): ExecSession[] {
    return [...this.sessions.values()].filter((s) => s.containerId === containerId);
  }

  /** Starts the process; the caller wires its streams. Resolves once it runs. */
  async start(record: ContainerRecord, id: string): Promise<ExecChild> {
    const session = this.get(id);
    if (session.running || session.exitCode !== null)
      throw new EngineError('conflict', `exec ${id} has already run`);
    if (!isActive(record.state.status))
      throw new EngineError('conflict', `container ${record.id} is not running`);
    const process = await this.processFor(record, session.config);
    // recorded in the task dir: a restarted agent finds the exec again (restore)
    const child = await this.runtime.exec(record.id, {
      process,
      record: { execId: session.id, meta: session.config },
    });
    session.child = child;
    session.running = true;
    child.exited.then(
      (status) => {
        session.running = false;
        session.exitCode = status.exitCode;
        session.child = undefined;
      },
      () => {
        session.running = false;
        session.exitCode = 126;
        session.child = undefined;
      },
    );
    try {
      session.pid = await child.started;
    } catch (err) {
      session.running = false;
      throw err;
    }
    return child;
  }

  /**
   * After an agent restart: the execs of the running containers as their helpers left them; one
   * still running is watched until its helper records the end.
   */
  async restore(containerIds: string[]): Promise<void> {
    for (const containerId of containerIds) {
      for (const rec of await this.runtime.execs(containerId).catch(() => [])) {
        const config = ExecConfig.safeParse(rec.meta);
        if (!config.success || this.sessions.has(rec.execId)) continue;
        const session: ExecSession = {
          id: rec.execId,
          containerId,
          config: config.data,
          running: rec.status === 'running',
          exitCode: rec.exitCode ?? null,
          pid: rec.pid,
        };
        this.sessions.set(session.id, session);
        if (session.running) this.watchAdopted(session);
      }
    }
  }

  private watchAdopted(session: ExecSession): void {
    const timer = setInterval(async () => {
      const rec = await this.runtime.execRecord(session.containerId, session.id).catch(() => undefined);
      if (rec?.status === 'running' && this.sessions.has(session.id)) return;
      clearInterval(timer);
      session.running = false;
      session.exitCode = rec?.exitCode ?? 255;
    }, ADOPTED_POLL_MS);
    timer.unref();
  }

  /** Ends a running exec (its client went away): never leave a process nobody can see or stop. */
  kill(id: string): void {
    const session = this.get(id);
    if (!session.running || session.pid <= 0) return;
    session.child?.stdin.destroy();
    try {
      process.kill(session.pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }

  resize(id: string, rows: number, cols: number): void {
    const session = this.get(id);
    if (!session.child) throw new EngineError('conflict', `exec ${id} is not running`);
    session.child.resize(rows, cols);
  }

  /** Forgets a removed container's sessions; a process still running dies with the container. */
  dropContainer(containerId: string): void {
    for (const session of this.forContainer(containerId)) this.sessions.delete(session.id);
  }
}

/** The env of an exec: the container's, overlaid by the exec's own. */
export function execEnv(record: ContainerRecord, exec: ExecConfig): string[] {
  return mergeEnv(record.env, exec.env);
}

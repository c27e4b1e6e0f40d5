import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors.ts';
import type { Process } from '../oci/spec.ts';
import type { ExecChild, Runtime } from '../tasks/index.ts';
import type { ContainerRecord } from './record.ts';
import { mergeEnv } from './resolve-command.ts';
import { isActive } from './state.ts';

export interface ExecConfig {
  cmd: string[];
  env: string[];
  user?: string;
  workingDir?: string;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  privileged: boolean;
}

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
    const child = await this.runtime.exec(record.id, { process });
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

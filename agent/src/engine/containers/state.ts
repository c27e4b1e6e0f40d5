import { EngineError } from '../errors.ts';

/**
 * A container's lifecycle state, as Docker reports it. Every operation checks
 * the state it needs before acting, here, rather than relying on the kernel to
 * fail half-way.
 */
export type ContainerStatus =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead';

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  oomKilled: boolean;
  /** ISO times; Docker's zero time when never */
  startedAt: string;
  finishedAt: string;
  error: string;
  restartCount: number;
  /** set by an explicit stop, so unless-stopped and always know not to restart */
  stoppedByUser: boolean;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialState(): ContainerState {
  return {
    status: 'created',
    pid: 0,
    exitCode: 0,
    oomKilled: false,
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
    error: '',
    restartCount: 0,
    stoppedByUser: false,
  };
}

export const isActive = (s: ContainerStatus): boolean =>
  s === 'running' || s === 'paused' || s === 'restarting';

export function assertCanStart(id: string, s: ContainerStatus): void {
  if (s === 'running' || s === 'restarting')
    throw new EngineError('not_modified', `container ${id} is already running`);
  if (s === 'paused')
    throw new EngineError('conflict', `cannot start a paused container ${id}, try unpause instead`);
  if (s === 'removing' || s === 'dead')
    throw new EngineError('conflict', `container ${id} is marked for removal`);
}

export function assertCanKill(id: string, s: ContainerStatus): void {
  if (!isActive(s)) throw new EngineError('conflict', `container ${id} is not running`);
}

export function assertCanPause(id: string, s: ContainerStatus): void {
  if (s === 'paused') throw new EngineError('conflict', `container ${id} is already paused`);
  if (s !== 'running') throw new EngineError('conflict', `container ${id} is not running`);
}

export function assertCanUnpause(id: string, s: ContainerStatus): void {
  if (s !== 'paused') throw new EngineError('conflict', `container ${id} is not paused`);
}

export function assertCanRemove(id: string, s: ContainerStatus, force: boolean): void {
  if (isActive(s) && !force) {
    const verb = s === 'paused' ? 'unpause and then stop' : 'stop';
    throw new EngineError(
      'conflict',
      `cannot remove container "${id}": container is ${s}: ${verb} the container before removing or force remove`,
    );
  }
}

/**
 * Attempts to add a host over SSH, in memory: what the UI polls for progress. An attempt belongs
 * to the admin who started it, holds no secret (the credentials live only in the running
 * attempt's closure) and is forgotten a while after it ends; the audit log is the lasting record.
 */
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../../errors.ts';
import type { HostKey, SshAddErrorCode } from './ssh-add-error.ts';

export type SshAddStep = 'connect' | 'check' | 'upload' | 'install' | 'join';

export interface SshAddJob {
  id: string;
  userId: string;
  target: string;
  state: 'running' | 'succeeded' | 'failed';
  step: SshAddStep;
  /** The host key the host presented, once seen. */
  hostKey: HostKey | null;
  /** The remote's install output so far (the last OUTPUT_LIMIT characters). */
  output: string;
  hostId: string | null;
  error: { code: SshAddErrorCode; step: SshAddStep; message: string; outputTail: string | null } | null;
}

const OUTPUT_LIMIT = 16_384;
const KEEP_FINISHED_MS = 30 * 60_000;

export class SshAddJobs {
  private readonly jobs = new Map<string, SshAddJob>();
  private readonly finishedAt = new Map<string, number>();
  create(userId: string, target: string): SshAddJob {
    this.sweep();
    const job: SshAddJob = {
      id: randomUUID(),
      userId,
      target,
      state: 'running',
      step: 'connect',
      hostKey: null,
      output: '',
      hostId: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  /** Only its owner sees an attempt (its output may name paths and users on the remote). */
  get(id: string, userId: string): Omit<SshAddJob, 'userId'> {
    const job = this.jobs.get(id);
    if (!job || job.userId !== userId)
      throw new ServiceError('not-found', 'no such attempt (it may have expired)');
    const { userId: _owner, ...visible } = job;
    return visible;
  }

  appendOutput(job: SshAddJob, text: string): void {
    job.output = (job.output + text).slice(-OUTPUT_LIMIT);
  }

  finish(job: SshAddJob): void {
    this.finishedAt.set(job.id, Date.now());
  }

  private sweep(): void {
    const cutoff = Date.now() - KEEP_FINISHED_MS;
    for (const [id, at] of this.finishedAt) {
      if (at < cutoff) {
        this.finishedAt.delete(id);
        this.jobs.delete(id);
      }
    }
  }
}

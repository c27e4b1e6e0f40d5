/** What services need from the running control plane; built once in control-plane.ts. */
import type { Db } from '@berth/db';
import type { FailureRateLimiter } from './auth/rate-limit.ts';
import type { Config } from './config.ts';
import type { SshAddOptions } from './hosts/ssh/add-host-over-ssh.ts';
import type { SshAddJobs } from './hosts/ssh/ssh-add-jobs.ts';

export type Log = (message: string) => void;

export interface Deps {
  db: Db;
  config: Config;
  log: Log;
  loginLimiter: FailureRateLimiter;
  /** Attempts to add a host over SSH (polled by the add-host page) and how they install. */
  sshAdd: { jobs: SshAddJobs; options: SshAddOptions };
}

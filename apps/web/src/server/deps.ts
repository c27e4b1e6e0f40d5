/** What services need from the running control plane; built once in control-plane.ts. */
import type { Db } from '@berth/db';
import type { FailureRateLimiter } from './auth/rate-limit.ts';
import type { Config } from './config.ts';
import type { ContainerListCache } from './containers/container-list-cache.ts';
import type { StoredContainerRow } from './containers/list-containers.ts';
import type { HostFeed } from './host-state/host-feed.ts';
import type { SshAddOptions } from './hosts/ssh/add-host-over-ssh.ts';
import type { SshAddJobs } from './hosts/ssh/ssh-add-jobs.ts';
import type { HostGateway } from './link/host-gateway.ts';
import type { TerminalSessions } from './terminals/terminal-sessions.ts';

export type Log = (message: string) => void;

export interface Deps {
  db: Db;
  config: Config;
  log: Log;
  loginLimiter: FailureRateLimiter;
  /** Attempts to add a host over SSH (polled by the add-host page) and how they install. */
  sshAdd: { jobs: SshAddJobs; options: SshAddOptions };
  /** requests and streams to hosts over their agent links */
  gateway: HostGateway;
  /** changes to the stored host state, for live updates */
  hostFeed: HostFeed;
  /** the stored container list per filter, until the host feed reports a change */
  containerList: ContainerListCache<StoredContainerRow>;
  /** terminals in containers, held across browser reloads */
  terminals: TerminalSessions;
}

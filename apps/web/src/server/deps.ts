/** What services need from the running control plane; built once in control-plane.ts. */
import type { Db } from '@berth/db';
import type { FailureRateLimiter } from './auth/rate-limit.ts';
import type { Config } from './config.ts';
import type { HostFeed } from './host-state/host-feed.ts';
import type { HostGateway } from './link/host-gateway.ts';
import type { TerminalSessions } from './terminals/terminal-sessions.ts';

export type Log = (message: string) => void;

export interface Deps {
  db: Db;
  config: Config;
  log: Log;
  loginLimiter: FailureRateLimiter;
  /** requests and streams to hosts over their agent links */
  gateway: HostGateway;
  /** changes to the stored host state, for live updates */
  hostFeed: HostFeed;
  /** terminals in containers, held across browser reloads */
  terminals: TerminalSessions;
}

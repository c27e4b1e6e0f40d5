/**
 * The control plane process: one HTTP server on one port hosting Next.js (pages), tRPC
 * (/api/trpc), REST + OpenAPI (/api/v1) and the agent link (websocket at LINK_PATH).
 *
 * Next is given a private EventEmitter as its `httpServer`: on its first request it attaches an
 * upgrade listener to whatever server it was given and ends websocket upgrades that match an app
 * route, which would cut the agent link. So only upgrades that are not Berth's reach it.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createPrismaClient } from '@berth/db';
import { LINK_PATH } from '@berth/protocol';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { FailureRateLimiter } from './auth/rate-limit.ts';
import { purgeExpiredSessions } from './auth/sessions.ts';
import type { Config } from './config.ts';
import { ContainerListCache } from './containers/container-list-cache.ts';
import type { Deps, Log } from './deps.ts';
import { HostFeed } from './host-state/host-feed.ts';
import type { SshAddOptions } from './hosts/ssh/add-host-over-ssh.ts';
import { SshAddJobs } from './hosts/ssh/ssh-add-jobs.ts';
import { handleImageLoad } from './http/image-load.ts';
import { gatePage } from './http/page-gate.ts';
import { HostGateway } from './link/host-gateway.ts';
import { markAllHostsOffline } from './link/host-presence.ts';
import { createLinkServer, type LinkServer, type LinkServerOptions } from './link/link-server.ts';
import { createRestHandler, REST_PREFIX } from './rest/rest-handler.ts';
import { createExecSocket } from './terminals/exec-socket.ts';
import { TerminalSessions } from './terminals/terminal-sessions.ts';
import { appRouter } from './trpc/app-router.ts';
import { createContext } from './trpc/init.ts';

export const WEB_DIR = join(import.meta.dirname, '..', '..');

export interface ControlPlaneOptions {
  config: Config;
  databaseUrl: string;
  log: Log;
  /** Serve the built Next.js pages (false in tests that exercise only the API and the link). */
  pages?: boolean;
  link?: LinkServerOptions;
  /** Timeouts and install-agent.sh options for hosts added over SSH (tests install into temp dirs). */
  sshAdd?: SshAddOptions;
}

export interface ControlPlane {
  /** http://<host>:<port> as a browser on this machine reaches it. */
  url: string;
  port: number;
  deps: Deps;
  link: LinkServer;
  close(): Promise<void>;
}

export class ControlPlaneError extends Error {}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** The part of Next's custom-server API we use (next's default export). */
type CreateNextServer = (options: {
  dev: boolean;
  dir: string;
  hostname: string;
  port: number;
  httpServer: Server;
}) => { prepare(): Promise<void>; getRequestHandler(): Handler; close(): Promise<void> };

async function loadPages(
  config: Config,
): Promise<{ handle: Handler; upgrades: EventEmitter; close(): Promise<void> }> {
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  // Next decides between its dev and prod runtimes from NODE_ENV when its modules load.
  (process.env as Record<string, string>).NODE_ENV = 'production';
  // Imported through a variable on purpose: letting TypeScript resolve `next` here would pull
  // Next's global types (which make NODE_ENV a required env key) into every program that
  // imports the control plane, agent code included. The shape we use is declared below.
  const specifier = 'next';
  const next = ((await import(specifier)) as { default: CreateNextServer }).default;
  const upgrades = new EventEmitter();
  const app = next({
    dev: false,
    dir: WEB_DIR,
    hostname: config.HOST,
    port: config.PORT,
    httpServer: upgrades as unknown as Server,
  });
  await app.prepare();
  return { handle: app.getRequestHandler(), upgrades, close: () => app.close() };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new ControlPlaneError(
          err.code === 'EADDRINUSE'
            ? `port ${port} is already in use (set PORT to another port)`
            : `cannot listen on ${host}:${port}: ${err.message}`,
        ),
      );
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { config, log } = options;
  const db = createPrismaClient(options.databaseUrl);
  const gateway = new HostGateway(db);
  const hostFeed = new HostFeed();
  const deps: Deps = {
    db,
    config,
    log,
    loginLimiter: new FailureRateLimiter({ maxFailures: 10, windowMs: 15 * 60_000 }),
    sshAdd: { jobs: new SshAddJobs(), options: options.sshAdd ?? {} },
    gateway,
    hostFeed,
    containerList: new ContainerListCache(hostFeed),
    terminals: new TerminalSessions({ db, gateway }),
  };
  try {
    await markAllHostsOffline(db);
    await purgeExpiredSessions(db);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  const link = createLinkServer(deps, options.link);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    createContext: ({ req, res }) => createContext(deps, req, res),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log(`trpc ${path}: ${error.cause?.stack ?? error.message}`);
    },
  });
  const rest = createRestHandler(deps);
  const execSocket = createExecSocket(deps);
  const pages = options.pages === false ? undefined : await loadPages(config);

  const server = createServer(async (req, res) => {
    try {
      if (req.url?.startsWith('/api/trpc/')) return trpc(req, res);
      if (handleImageLoad(deps, req, res)) return;
      if (req.url?.startsWith(`${REST_PREFIX}/`)) return await rest(req, res);
      if (!pages) {
        res.writeHead(404).end();
        return;
      }
      if (await gatePage(deps, req, res)) return;
      await pages.handle(req, res);
    } catch (err) {
      log(`request ${req.method} ${req.url} failed: ${(err as Error).stack}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://berth.invalid').pathname;
    if (path === LINK_PATH) link.handleUpgrade(req, socket, head);
    else if (execSocket.matches(path)) void execSocket.handleUpgrade(req, socket, head);
    else if (pages) pages.upgrades.emit('upgrade', req, socket, head);
    else socket.destroy();
  });

  let port: number;
  try {
    port = await listen(server, config.PORT, config.HOST);
  } catch (err) {
    await link.close();
    await pages?.close();
    await db.$disconnect();
    throw err;
  }
  const sweep = setInterval(() => {
    purgeExpiredSessions(db).catch((err) => log(`session sweep failed: ${(err as Error).message}`));
  }, 3_600_000);
  sweep.unref();
  const browserHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${browserHost.includes(':') ? `[${browserHost}]` : browserHost}:${port}`,
    port,
    deps,
    link,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        deps.terminals.closeAll();
        execSocket.close();
        await link.close();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
        await closed;
        await pages?.close();
        await db.$disconnect();
      })();
      return closing;
    },
  };
}

import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine/engine.ts';
import { AGENT_VERSION } from '../version.ts';
import { ApiError, sendError } from './errors.ts';
import { type RouteHandler, Router } from './router.ts';
import { containerProcessRoutes } from './routes/container-processes.ts';
import { containerStreamRoutes } from './routes/container-streams.ts';
import { containerRoutes } from './routes/containers.ts';
import { execRoutes } from './routes/exec.ts';
import { systemRoutes } from './routes/system.ts';
import { API_VERSION } from './version.ts';

/** Splits `/v1.41/containers/json` into the version and the route path. */
export function splitVersion(path: string): { version: string | undefined; path: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(path);
  return m ? { version: m[1], path: m[2]! } : { version: undefined, path };
}

export function buildRouter(engine: Engine): Router {
  const router = new Router();
  systemRoutes(router, engine);
  containerRoutes(router, engine);
  containerStreamRoutes(router, engine);
  containerProcessRoutes(router, engine);
  execRoutes(router, engine);
  return router;
}

/**
 * The Docker Engine API front door: a thin adapter from Docker's HTTP API to
 * the engine. Every response carries the headers clients negotiate with;
 * every error leaves through the one table in errors.ts. Attach and exec
 * upgrade the connection and arrive through the same router.
 */
export function createDockerApiServer(engine: Engine): Server {
  const router = buildRouter(engine);
  const dispatch = async (req: IncomingMessage, res: ServerResponse, upgraded?: Duplex): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const { version, path } = splitVersion(url.pathname);
    const match = router.match(req.method ?? 'GET', path);
    if (!match)
      throw new ApiError(
        404,
        `page not found: ${req.method} ${url.pathname} is not a Docker API endpoint Berth serves`,
      );
    const handler: RouteHandler = match.handler;
    await handler({
      req,
      res,
      params: match.params,
      query: url.searchParams,
      apiVersion: version ?? API_VERSION,
      upgraded,
    });
  };
  const commonHeaders = (res: ServerResponse) => {
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Server', `Berth/${AGENT_VERSION} (linux)`);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
  };
  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    commonHeaders(res);
    dispatch(req, res).catch((err) => sendError(res, err));
  });
  // attach and exec start ask for `Upgrade: tcp`; node hands those over here with the raw socket
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (head.length > 0) socket.unshift(head);
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    commonHeaders(res);
    dispatch(req, res, socket).catch((err) => {
      if (!socket.destroyed) sendError(res, err);
    });
  });
  return server;
}

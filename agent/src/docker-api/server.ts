import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine/engine.ts';
import { AGENT_VERSION } from '../version.ts';
import { MAX_JSON_BODY, setUpgradeBody } from './body.ts';
import { ApiError, sendError } from './errors.ts';
import { type RouteHandler, Router } from './router.ts';
import { archiveRoutes } from './routes/archive.ts';
import { commitRoutes } from './routes/commit.ts';
import { containerProcessRoutes } from './routes/container-processes.ts';
import { containerStreamRoutes } from './routes/container-streams.ts';
import { containerRoutes } from './routes/containers.ts';
import { eventRoutes } from './routes/events.ts';
import { execRoutes } from './routes/exec.ts';
import { imageArchiveRoutes } from './routes/image-archives.ts';
import { imagePruneRoutes } from './routes/image-prune.ts';
import { imageRegistryRoutes } from './routes/image-registry.ts';
import { imageRoutes } from './routes/images.ts';
import { infoRoutes } from './routes/info.ts';
import { networkRoutes } from './routes/networks.ts';
import { pruneRoutes } from './routes/prune.ts';
import { systemRoutes } from './routes/system.ts';
import { systemDfRoutes } from './routes/system-df.ts';
import { volumeRoutes } from './routes/volumes.ts';
import { API_VERSION } from './version.ts';

/** Reads an upgraded request's body (Content-Length bytes) off its socket; what follows stays for the stream. */
async function takeBody(socket: Duplex, head: Buffer, length: number): Promise<Buffer> {
  if (length > MAX_JSON_BODY) throw new ApiError(413, 'request body too large');
  let data = head;
  while (data.length < length) {
    const chunk: Buffer | null = socket.read();
    if (chunk === null) {
      await new Promise<void>((resolve, reject) => {
        socket.once('readable', resolve);
        socket.once('end', () => reject(new Error('connection closed before the request body')));
      });
      continue;
    }
    data = Buffer.concat([data, chunk]);
  }
  if (data.length > length) socket.unshift(data.subarray(length));
  return data.subarray(0, length);
}

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
  imageRegistryRoutes(router, engine);
  imageRoutes(router, engine);
  imageArchiveRoutes(router, engine);
  imagePruneRoutes(router, engine);
  volumeRoutes(router, engine);
  networkRoutes(router, engine);
  eventRoutes(router, engine);
  infoRoutes(router, engine);
  systemDfRoutes(router, engine);
  pruneRoutes(router);
  commitRoutes(router, engine);
  archiveRoutes(router, engine);
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
  server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const res = new ServerResponse(req);
    try {
      setUpgradeBody(req, await takeBody(socket, head, Number(req.headers['content-length'] ?? 0)));
    } catch (err) {
      socket.destroy(err instanceof Error ? err : undefined);
      return;
    }
    res.assignSocket(socket as Socket);
    commonHeaders(res);
    dispatch(req, res, socket).catch((err) => {
      if (!socket.destroyed) sendError(res, err);
    });
  });
  return server;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import os from 'node:os';
import { AGENT_VERSION } from '../version.ts';

/** The newest Docker Engine API version Berth speaks, and the oldest it accepts. */
export const API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Strips the optional `/v1.NN` prefix clients put before every path. */
export function routePath(url: string): string {
  const path = url.split('?')[0] ?? '/';
  return path.replace(/^\/v\d+\.\d+(?=\/)/, '');
}

const routes: Record<string, Handler> = {
  'GET /_ping': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 2 });
    res.end('OK');
  },
  'HEAD /_ping': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
    res.end();
  },
  'GET /version': (_req, res) =>
    sendJson(res, 200, {
      Platform: { Name: 'Berth' },
      Components: [{ Name: 'Engine', Version: AGENT_VERSION, Details: { ApiVersion: API_VERSION } }],
      Version: AGENT_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      Os: os.platform(),
      Arch: os.arch() === 'x64' ? 'amd64' : os.arch(),
      KernelVersion: os.release(),
    }),
};

/**
 * The Docker Engine API front door. Each response carries the headers clients
 * negotiate with (`Api-Version`, `Server`); unknown endpoints get Docker's JSON
 * error shape so the CLI prints a readable message.
 */
export function createDockerApiServer(): Server {
  return createServer((req, res) => {
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Server', `Berth/${AGENT_VERSION} (linux)`);
    res.setHeader('Docker-Experimental', 'false');
    const handler = routes[`${req.method} ${routePath(req.url ?? '/')}`];
    if (handler) handler(req, res);
    else
      sendJson(res, 404, {
        message: `page not found: ${req.method} ${req.url} is not supported by Berth yet`,
      });
  });
}

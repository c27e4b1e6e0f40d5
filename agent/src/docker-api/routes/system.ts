import os from 'node:os';
import type { Engine } from '../../engine/engine.ts';
import { AGENT_VERSION } from '../../version.ts';
import { sendJson } from '../respond.ts';
import type { Router } from '../router.ts';
import { API_VERSION, MIN_API_VERSION } from '../version.ts';

const goArch = (arch: string) => (arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch);

export function systemRoutes(router: Router, _engine: Engine): void {
  router.on('GET', '/_ping', ({ res }) => {
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': 2,
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      // the CLI reads swarm status from here rather than calling /info
      Swarm: 'inactive',
    });
    res.end('OK');
  });
  router.on('GET', '/version', ({ res }) => {
    const engine = {
      Version: AGENT_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'berth',
      GoVersion: `node${process.versions.node}`,
      Os: os.platform(),
      Arch: goArch(os.arch()),
      KernelVersion: os.release(),
      BuildTime: '',
    };
    sendJson(res, 200, {
      Platform: { Name: 'Berth' },
      // Details are strings: the CLI prints "Experimental: false" from there
      Components: [{ Name: 'Engine', Version: AGENT_VERSION, Details: { ...engine, Experimental: 'false' } }],
      ...engine,
      Experimental: false,
    });
  });
}

/** `berth exec [-i] [-t] CONTAINER CMD...`: a process in a container, over a websocket. */
import WebSocket from 'ws';
import type { ApiClient } from '../api.ts';
import { need, parseWithCommand } from '../args.ts';
import { CliError } from '../cli-error.ts';
import type { CliConfig } from '../config.ts';
import { containerRoutes } from '../container-routes.ts';
import { resolveContainer } from './containers.ts';

export async function exec(api: ApiClient, config: CliConfig, args: string[]): Promise<number> {
  const { values, target, command } = parseWithCommand(args, {
    host: { type: 'string' },
    interactive: { type: 'boolean', short: 'i' },
    tty: { type: 'boolean', short: 't' },
  });
  const c = await resolveContainer(api, need(target, 'container'), values.host);
  if (command.length === 0) throw new CliError('missing command to run');
  const tty = values.tty === true && process.stdout.isTTY === true;
  const url = `${config.url.replace(/^http/, 'ws')}/api/v1${containerRoutes.exec(c.hostId, c.id, { cmd: command, tty })}`;
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${config.token}` } });
  const stdin = process.stdin;
  return new Promise<number>((resolve, reject) => {
    let exitCode = 0;
    const restore = () => {
      if (tty && stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
    };
    const resize = () => {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(JSON.stringify({ type: 'resize', cols: process.stdout.columns, rows: process.stdout.rows }));
      }
    };
    ws.on('open', () => {
      if (tty) {
        if (stdin.isTTY) stdin.setRawMode(true);
        resize();
        process.stdout.on('resize', resize);
      }
      if (values.interactive) {
        stdin.on('data', (chunk) => ws.send(chunk));
        stdin.on('end', () => ws.send(JSON.stringify({ type: 'stdin-end' })));
        stdin.resume();
      } else {
        // as docker exec without -i: the process sees no input at all
        ws.send(JSON.stringify({ type: 'stdin-end' }));
      }
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        process.stdout.write(data as Buffer);
        return;
      }
      const message = JSON.parse(String(data)) as {
        type: string;
        code?: number;
        message?: string;
        data?: string;
      };
      if (message.type === 'stderr') process.stderr.write(Buffer.from(message.data ?? '', 'base64'));
      if (message.type === 'exit') exitCode = message.code ?? 0;
      if (message.type === 'error') {
        process.stderr.write(`berth: ${message.message}\n`);
        exitCode = 1;
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      restore();
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => {
        let message = `HTTP ${res.statusCode} ${res.statusMessage}`;
        try {
          message = (JSON.parse(body) as { error: { message: string } }).error.message;
        } catch {
          // no JSON answer: the status line says it
        }
        reject(new CliError(`exec refused: ${message} (HTTP ${res.statusCode})`));
      });
    });
    ws.on('error', (err) => {
      restore();
      reject(new CliError(`exec failed: ${err.message}`));
    });
    ws.on('close', () => {
      restore();
      process.stdout.off('resize', resize);
      resolve(exitCode);
    });
  });
}

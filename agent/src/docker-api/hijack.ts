import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Attach and exec take over the HTTP connection: the client sends
 * `Connection: Upgrade, Upgrade: tcp`, the server answers 101 and from then on
 * the socket carries raw (or multiplexed) container streams both ways.
 * A client that sends no Upgrade header still gets the streams, after a 200.
 * Clients half-close their write side after sending stdin: node's http server
 * creates its sockets with allowHalfOpen, so output still reaches them; the
 * hijacking code must end the socket itself once the streams are done.
 */
export function wantsUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'tcp';
}

export function hijack(socket: Duplex, upgrade: boolean, tty: boolean): void {
  const contentType = tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream';
  socket.write(
    upgrade
      ? `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`
      : `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nConnection: close\r\n\r\n`,
  );
}

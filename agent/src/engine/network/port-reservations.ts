import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { EngineError } from '../errors.ts';

/**
 * Host ports held for published container ports. The agent binds each one
 * itself: the kernel then refuses it to anyone else (and tells us when
 * someone else has it), while nftables DNATs the traffic before it would
 * reach this socket.
 */
export class PortReservations {
  private readonly held = new Map<string, Server | Socket>();

  private static key(protocol: string, hostIp: string, port: number): string {
    return `${protocol}/${hostIp || '0.0.0.0'}/${port}`;
  }

  /** The first port of [start, end] that can be bound; start 0: a free one of the ephemeral range. */
  async reserve(protocol: 'tcp' | 'udp', hostIp: string, start: number, end = start): Promise<number> {
    const candidates: number[] = [];
    if (start === 0) {
      const first = 32768 + Math.floor(Math.random() * (60999 - 32768));
      for (let i = 0; i < 64; i++) candidates.push(32768 + ((first - 32768 + i) % (60999 - 32768)));
    } else for (let p = start; p <= end; p++) candidates.push(p);
    let lastError = '';
    for (const port of candidates) {
      try {
        this.held.set(PortReservations.key(protocol, hostIp, port), await bind(protocol, hostIp, port));
        return port;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    const what =
      start === 0
        ? 'a free host port'
        : `${hostIp || '0.0.0.0'}:${start}${end > start ? `-${end}` : ''}/${protocol}`;
    throw new EngineError('conflict', `cannot publish on ${what}: port is already allocated (${lastError})`);
  }

  release(protocol: string, hostIp: string, port: number): void {
    const key = PortReservations.key(protocol, hostIp, port);
    this.held.get(key)?.close();
    this.held.delete(key);
  }

  releaseAll(): void {
    for (const s of this.held.values()) s.close();
    this.held.clear();
  }
}

function bind(protocol: 'tcp' | 'udp', hostIp: string, port: number): Promise<Server | Socket> {
  const address = hostIp || '0.0.0.0';
  return new Promise((resolve, reject) => {
    if (protocol === 'tcp') {
      const server = createServer((c) => c.destroy());
      server.once('error', reject);
      server.listen({ port, host: address, exclusive: true }, () => {
        server.unref();
        resolve(server);
      });
    } else {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind({ port, address, exclusive: true }, () => {
        socket.unref();
        resolve(socket);
      });
    }
  });
}

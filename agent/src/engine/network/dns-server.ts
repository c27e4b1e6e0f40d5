import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { answer, type DnsQuestion, parseQuestion, serverFailure } from './dns-message.ts';

/** Names of the containers the asker shares a network with: addresses, or undefined when the name is not one. */
export type NameLookup = (askerIp: string, name: string) => string[] | undefined;

const UPSTREAM_TIMEOUT_MS = 5000;

/**
 * The resolver containers on user networks use (their resolv.conf names the
 * network's gateway): container names and aliases are answered here, per
 * network; everything else goes to the host's own resolvers, as the host
 * would ask them. One UDP socket on port 53 of each gateway address.
 */
export class DnsServer {
  private readonly sockets = new Map<string, Socket>();
  private readonly upstream: string[];

  constructor(
    private readonly lookup: NameLookup,
    hostResolvConf = readHostResolvConf(),
  ) {
    this.upstream = [...hostResolvConf.matchAll(/^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map(
      (m) => m[1]!,
    );
  }

  async listen(address: string): Promise<void> {
    if (this.sockets.has(address)) return;
    const socket = createSocket('udp4');
    socket.on('message', (msg, from) => this.onQuery(socket, msg, from.address, from.port));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address, port: 53, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (err) => console.error(`dns ${address}: ${err.message}`));
    socket.unref();
    this.sockets.set(address, socket);
  }

  close(address: string): void {
    this.sockets.get(address)?.close();
    this.sockets.delete(address);
  }

  closeAll(): void {
    for (const address of [...this.sockets.keys()]) this.close(address);
  }

  private onQuery(socket: Socket, msg: Buffer, from: string, port: number): void {
    const q = parseQuestion(msg);
    if (!q) return;
    const local = this.lookup(from, q.name);
    if (local) {
      socket.send(answer(msg, q, local), port, from);
      return;
    }
    void this.forward(msg, q).then((reply) => socket.send(reply, port, from));
  }

  /** The raw query to each upstream resolver in turn; the first reply goes back as is. */
  private async forward(msg: Buffer, q: DnsQuestion): Promise<Buffer> {
    for (const server of this.upstream) {
      const reply = await askOnce(server, msg);
      if (reply && reply.length >= 2 && reply.readUInt16BE(0) === q.id) return reply;
    }
    return serverFailure(msg, q);
  }
}

function askOnce(server: string, msg: Buffer): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const done = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      s.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), UPSTREAM_TIMEOUT_MS);
    s.on('message', (reply) => done(reply));
    s.on('error', () => done(undefined));
    s.send(msg, 53, server);
  });
}

function readHostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CuttingProxy {
  host: string;
  /** while > 0, each blob GET is cut after half its body, and the count drops by one */
  cutBlobs: number;
  cuts: number;
  /** only blobs at least this big are cut (0: all) */
  minSize: number;
  /** a cut blob's connection stays open, sending nothing more, until the puller leaves or close() */
  hold: boolean;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of a registry that can drop connections part-way
 * through blob downloads, as a flaky network would, or hold them (a pull
 * that stays in flight). It listens on `address` (loopback by default).
 */
export async function startCuttingProxy(target: string, address = '127.0.0.1'): Promise<CuttingProxy> {
  const state = { cutBlobs: 0, cuts: 0, minSize: 0, hold: false };
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      `http://${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: target } },
      (up) => {
        const isBlob =
          req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '') && up.statusCode === 200;
        res.writeHead(up.statusCode ?? 502, up.headers);
        const total = Number(up.headers['content-length'] ?? 0);
        if (!isBlob || state.cutBlobs <= 0 || total < state.minSize) return void up.pipe(res);
        state.cutBlobs--;
        state.cuts++;
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          const room = Math.floor(total / 2) - sent;
          if (room <= 0) return;
          res.write(chunk.subarray(0, room));
          sent += Math.min(room, chunk.byteLength);
          if (sent >= Math.floor(total / 2) && !state.hold) {
            up.destroy();
            setTimeout(() => res.socket?.destroy(), 20);
          }
        });
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  const { port } = server.address() as AddressInfo;
  const proxy: CuttingProxy = {
    host: `${address}:${port}`,
    get cutBlobs() {
      return state.cutBlobs;
    },
    set cutBlobs(n: number) {
      state.cutBlobs = n;
    },
    get cuts() {
      return state.cuts;
    },
    set cuts(n: number) {
      state.cuts = n;
    },
    get minSize() {
      return state.minSize;
    },
    set minSize(n: number) {
      state.minSize = n;
    },
    get hold() {
      return state.hold;
    },
    set hold(on: boolean) {
      state.hold = on;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return proxy;
}

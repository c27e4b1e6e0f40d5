import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers one blob: honestly, or in one of the ways a broken or hostile registry does. */
export type BlobBehaviour =
  | { kind: 'serve'; body: Buffer }
  /** sends the full Content-Length, then `sent` bytes, then drops the connection */
  | { kind: 'cut'; body: Buffer; sent: number }
  /** a clean response that is simply shorter than the descriptor says */
  | { kind: 'short'; body: Buffer }
  | { kind: 'missing' };

export interface FakeRegistry {
  host: string;
  manifests: Map<string, { body: Buffer; mediaType: string }>;
  blobs: Map<string, BlobBehaviour>;
  /** request paths seen, in order */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A registry that answers from maps, for the inputs a real registry would
 * never produce (wrong digests, truncated blobs, odd media types).
 * Manifests are keyed `repo:reference`; blobs by digest.
 */
export async function startFakeRegistry(): Promise<FakeRegistry> {
  const manifests = new Map<string, { body: Buffer; mediaType: string }>();
  const blobs = new Map<string, BlobBehaviour>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method} ${path}`);
    if (path === '/v2/') return void res.end('{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
    const notFound = (code: string) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code, message: code.toLowerCase().replace('_', ' ') }] }));
    };
    if (!m) return notFound('NAME_UNKNOWN');
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    if (kind === 'manifests') {
      const found = manifests.get(`${repo}:${ref}`);
      if (!found) return notFound('MANIFEST_UNKNOWN');
      res.writeHead(200, { 'content-type': found.mediaType, 'content-length': found.body.byteLength });
      return void res.end(req.method === 'HEAD' ? undefined : found.body);
    }
    const b = blobs.get(ref);
    if (!b || b.kind === 'missing') return notFound('BLOB_UNKNOWN');
    if (b.kind === 'cut') {
      res.writeHead(200, { 'content-length': b.body.byteLength });
      res.write(b.body.subarray(0, b.sent), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.writeHead(200, { 'content-length': b.body.byteLength });
    res.end(b.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    manifests,
    blobs,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function sha(b: Uint8Array): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

import { createPrivateKey, createSign, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { selfSignedCert } from './test-certs.ts';

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  /** token requests answered, by scope string */
  issued: string[];
  close(): Promise<void>;
}

/**
 * A Docker token server for tests: checks basic credentials against `users`
 * and issues RS256 JWTs the registry verifies through the x5c certificate
 * (self-signed, generated here with openssl and given to the registry as its
 * rootcertbundle). Anonymous requests are refused.
 */
export async function startTokenServer(dir: string, users: Record<string, string>): Promise<TokenServer> {
  const { keyFile, certFile } = selfSignedCert(dir, 'berthtest-token');
  const key = createPrivateKey(readFileSync(keyFile));
  const certDer = new X509Certificate(readFileSync(certFile)).raw.toString('base64');
  const service = 'berthtest-registry';
  const issuer = 'berthtest-issuer';
  const issued: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [scheme, value] = (req.headers.authorization ?? '').split(' ');
    const [user, pass] =
      scheme === 'Basic'
        ? Buffer.from(value ?? '', 'base64')
            .toString()
            .split(':')
        : [];
    if (
      url.pathname !== '/token' ||
      user === undefined ||
      users[user] === undefined ||
      users[user] !== pass
    ) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    issued.push(scopes.join(' '));
    const access = scopes.flatMap((s) => {
      const [type, name, actions] = s.split(':');
      return type && name && actions ? [{ type, name, actions: actions.split(',') }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = jwt(key, certDer, {
      iss: issuer,
      sub: user,
      aud: url.searchParams.get('service') ?? service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    issued,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function jwt(key: ReturnType<typeof createPrivateKey>, certDer: string, claims: object): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ typ: 'JWT', alg: 'RS256', x5c: [certDer] });
  const body = b64(claims);
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
  return `${head}.${body}.${sig}`;
}

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isEngineError } from '../errors.ts';
import { HttpTransport } from './http-transport.ts';
import { isTransient } from './retry.ts';

const dir = mkdtempSync(join(tmpdir(), 'berthtest-tls-'));
const servers: (http.Server | https.Server)[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function listen(s: http.Server | https.Server): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

describe('HTTP transport', () => {
  let tlsPort = 0;
  let plainPort = 0;
  let ca = '';
  const seen: { url: string; authorization?: string }[] = [];
  before(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    plainPort = await listen(
      http.createServer((req, res) => {
        seen.push({
          url: req.url ?? '',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        });
        res.end('storage');
      }),
    );
    tlsPort = await listen(
      https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
        seen.push({
          url: req.url ?? '',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        });
        if (req.url === '/redirect') {
          res.writeHead(307, { location: `http://127.0.0.1:${plainPort}/blob` });
          return void res.end();
        }
        res.end('tls ok');
      }),
    );
  });

  const transport = (withCa: boolean) =>
    new HttpTransport({
      idleTimeoutMs: 5000,
      tlsFor: () => (withCa ? { ca: [ca] } : {}),
      plainAllowed: (host) => host.startsWith('127.0.0.1:') && host !== `127.0.0.1:${tlsPort}`,
    });

  it('trusts a per-registry CA beside the system ones, and refuses the certificate without it', async () => {
    const good = transport(true);
    const res = await good.request({ method: 'GET', url: `https://127.0.0.1:${tlsPort}/v2/` });
    assert.equal(res.status, 200);
    res.body.resume();
    good.close();
    const bad = transport(false);
    await assert.rejects(bad.request({ method: 'GET', url: `https://127.0.0.1:${tlsPort}/v2/` }), (err) =>
      isEngineError(err, 'unavailable'),
    );
    bad.close();
  });

  it('follows a blob redirect to storage without the registry credentials', async () => {
    const t = transport(true);
    seen.length = 0;
    const res = await t.request({
      method: 'GET',
      url: `https://127.0.0.1:${tlsPort}/redirect`,
      headers: { authorization: 'Bearer secret' },
    });
    const body = await new Promise<string>((r) => {
      let s = '';
      res.body.on('data', (c) => (s += c)).on('end', () => r(s));
    });
    assert.equal(body, 'storage');
    assert.deepEqual(seen, [{ url: '/redirect', authorization: 'Bearer secret' }, { url: '/blob' }]);
    t.close();
  });

  it('refuses plain HTTP to hosts not allowed it, and marks refused connections transient', async () => {
    const t = transport(true);
    await assert.rejects(t.request({ method: 'GET', url: `http://127.0.0.1:${tlsPort}/v2/` }), (err) =>
      isEngineError(err, 'forbidden'),
    );
    await assert.rejects(
      t.request({ method: 'GET', url: 'http://127.0.0.1:1/v2/' }),
      (err) => isEngineError(err, 'unavailable') && isTransient(err),
    );
    t.close();
  });
});

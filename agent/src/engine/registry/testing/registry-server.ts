import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@berth/process';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export type RegistryAuthConfig =
  | { kind: 'none' }
  | { kind: 'htpasswd'; users: Record<string, string> }
  | { kind: 'token'; realm: string; service: string; issuer: string; certFile: string };

export interface TestRegistry {
  /** `127.0.0.1:PORT`, usable as a reference domain */
  host: string;
  pid: number;
  root: string;
  stop(): Promise<void>;
}

export function registryAvailable(): boolean {
  return existsSync(REGISTRY_BIN);
}

/**
 * Debian's docker-registry (distribution 2.8) on a free loopback port (or one
 * of `address`, e.g. a test bridge that agents in network namespaces reach),
 * with its own config and storage under `dir`. stop() ends it by its pid.
 * htpasswd users need `htpasswd` (apache2-utils) for bcrypt hashes.
 */
export async function startRegistry(
  dir: string,
  auth: RegistryAuthConfig = { kind: 'none' },
  address = '127.0.0.1',
  /** serve HTTPS with this certificate (PEM files) instead of plain HTTP */
  tls?: { certFile: string; keyFile: string },
): Promise<TestRegistry> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'storage')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${address}:${port}`,
    '  secret: berthtest-secret',
    ...(tls ? ['  tls:', `    certificate: ${tls.certFile}`, `    key: ${tls.keyFile}`] : []),
  ];
  if (auth.kind === 'htpasswd') {
    const file = join(dir, 'htpasswd');
    writeFileSync(
      file,
      Object.entries(auth.users)
        .map(([u, p]) => htpasswdLine(u, p))
        .join(''),
    );
    lines.push('auth:', '  htpasswd:', '    realm: berthtest-realm', `    path: ${file}`);
  } else if (auth.kind === 'token') {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${auth.realm}`,
      `    service: ${auth.service}`,
      `    issuer: ${auth.issuer}`,
      `    rootcertbundle: ${auth.certFile}`,
    );
  }
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, `${lines.join('\n')}\n`);
  const log = openSync(join(dir, 'registry.log'), 'a');
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', configFile], { stdio: ['ignore', log, log] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('docker-registry did not start');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = `${address}:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    }
  };
  for (let i = 0; ; i++) {
    if (await answers(host, tls !== undefined)) break;
    if (i > 100 || child.exitCode !== null) {
      await stop();
      throw new Error(`docker-registry did not come up: ${readFileSync(join(dir, 'registry.log'), 'utf8')}`);
    }
    await sleep(50);
  }
  return { host, pid, root: dir, stop };
}

function answers(host: string, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const onResponse = (res: http.IncomingMessage) => {
      res.resume();
      resolve(true);
    };
    // readiness only: whether the certificate is trusted is what the tests check
    const req = tls
      ? https.get(`https://${host}/v2/`, { rejectUnauthorized: false }, onResponse)
      : http.get(`http://${host}/v2/`, onResponse);
    req.on('error', () => resolve(false));
  });
}

export function htpasswdAvailable(): boolean {
  return existsSync('/usr/bin/htpasswd');
}

/** A bcrypt htpasswd line (distribution accepts only bcrypt). */
export function htpasswdLine(user: string, password: string): string {
  return `${execFileSync('/usr/bin/htpasswd', ['-nbB', user, password], { encoding: 'utf8' }).trim()}\n`;
}

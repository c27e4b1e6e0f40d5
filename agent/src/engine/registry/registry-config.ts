import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_DOMAIN } from '../images/reference.ts';

/**
 * How the agent reaches registries; parsed once from the daemon's config.
 * Host keys are `host` or `host:port` as they appear in image references.
 */
export const RegistryConfig = z.object({
  /** registries reachable over plain HTTP (or HTTPS without verification); loopback is always allowed */
  insecureRegistries: z
    .array(
      z
        .string()
        .regex(
          /^([a-zA-Z0-9.-]+|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/,
          'must be a registry host or host:port, as in image references',
        ),
    )
    .default([]),
  /** pull-through mirrors tried in order for docker.io before Docker Hub itself, e.g. `https://mirror.example` */
  mirrors: z.array(z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })).default([]),
  /** extra CA bundle per registry host, trusted in addition to the system CAs */
  caFiles: z.record(z.string(), z.string()).default({}),
  /** Docker's certs.d convention: `<certsDir>/<host>/*.crt` are trusted for that host when present */
  certsDir: z.string().optional(),
  /** attempts for idempotent requests (GET/HEAD) and whole blob downloads */
  attempts: z.number().int().min(1).max(10).default(3),
  /** first backoff delay; doubled per attempt */
  backoffMs: z.number().int().min(0).default(250),
  /** a socket silent this long fails the request (then retried when idempotent) */
  idleTimeoutMs: z.number().int().min(100).default(30_000),
  /** layer downloads and blob uploads run at most this many at a time */
  concurrency: z.number().int().min(1).max(16).default(3),
});
export type RegistryConfig = z.infer<typeof RegistryConfig>;
export type RegistryConfigInput = z.input<typeof RegistryConfig>;

/** Docker Hub's API host; references say docker.io. */
export const DOCKER_HUB_API = 'registry-1.docker.io';

export interface Endpoint {
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000` */
  origin: string;
  /** the host key for credentials, CAs and insecure checks (`docker.io` for Hub and its mirrors' credentials stay their own) */
  host: string;
  /** a mirror is only used for pulls; its failures fall through to the next endpoint */
  mirror: boolean;
  /** TLS certificates are not verified (an operator-listed insecure registry) */
  insecure: boolean;
  /** plain-HTTP origin tried when HTTPS fails to connect (insecure registries other than loopback, as Docker does) */
  fallbackOrigin?: string;
}

export function hostOf(domain: string): string {
  return domain === DEFAULT_DOMAIN ? DOCKER_HUB_API : domain;
}

/** localhost, 127.0.0.0/8 and ::1, with or without a port: Docker treats these as insecure by default. */
export function isLoopbackHost(hostPort: string): boolean {
  const host = stripPort(hostPort);
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function stripPort(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  const colon = hostPort.lastIndexOf(':');
  return colon > 0 && hostPort.indexOf(':') === colon ? hostPort.slice(0, colon) : hostPort;
}

export function isInsecureHost(config: RegistryConfig, hostPort: string): boolean {
  return isLoopbackHost(hostPort) || config.insecureRegistries.includes(hostPort);
}

/**
 * Where to send a request for a reference's domain, in order. Pushes and
 * logins use only the registry itself; pulls from docker.io try mirrors first.
 * Loopback registries are spoken to over plain HTTP directly (a TLS probe of
 * a plain one costs a failed handshake per pull); other insecure registries
 * are tried over HTTPS without verification, then plain HTTP, as Docker does.
 */
export function endpointsFor(config: RegistryConfig, domain: string, purpose: 'pull' | 'push'): Endpoint[] {
  const out: Endpoint[] = [];
  if (domain === DEFAULT_DOMAIN && purpose === 'pull') {
    for (const m of config.mirrors) {
      const u = new URL(m);
      out.push({ origin: u.origin, host: u.host, mirror: true, insecure: u.protocol === 'http:' });
    }
  }
  const host = hostOf(domain);
  if (isLoopbackHost(domain)) {
    out.push({ origin: `http://${host}`, host: domain, mirror: false, insecure: true });
  } else if (config.insecureRegistries.includes(domain)) {
    out.push({
      origin: `https://${host}`,
      host: domain,
      mirror: false,
      insecure: true,
      fallbackOrigin: `http://${host}`,
    });
  } else {
    out.push({ origin: `https://${host}`, host: domain, mirror: false, insecure: false });
  }
  return out;
}

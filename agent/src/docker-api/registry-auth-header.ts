import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { RegistryAuth } from '../engine/registry/index.ts';
import { ApiError } from './errors.ts';

/** Docker's AuthConfig, as X-Registry-Auth (base64url JSON) and the /auth body carry it. */
export const DockerAuthConfig = z.object({
  username: z.string().max(4096).optional(),
  password: z.string().max(65536).optional(),
  /** base64 of `username:password`, what config.json keeps */
  auth: z.string().max(65536).optional(),
  email: z.string().optional(),
  serveraddress: z.string().max(4096).optional(),
  identitytoken: z.string().max(65536).optional(),
  registrytoken: z.string().max(65536).optional(),
});
export type DockerAuthConfig = z.infer<typeof DockerAuthConfig>;

/** Username and password from the explicit fields, else from `auth`. */
export function credentialsOf(config: DockerAuthConfig): RegistryAuth {
  let { username, password } = config;
  if ((username ?? '') === '' && config.auth) {
    const decoded = Buffer.from(config.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new ApiError(400, 'invalid auth configuration: auth is not base64 of user:password');
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  return {
    ...(username ? { username, password: password ?? '' } : {}),
    ...(config.identitytoken ? { identityToken: config.identitytoken } : {}),
    ...(config.registrytoken ? { registryToken: config.registrytoken } : {}),
  };
}

/**
 * The credentials a pull or push request carries. A docker CLI always sends
 * the header, empty when it holds no login for the registry: then the
 * request is anonymous, as with Docker (its `docker logout` must take
 * effect). Without the header (API clients, the control plane) the agent
 * uses what `docker login` stored with it.
 */
export function registryAuthOf(req: IncomingMessage): RegistryAuth | undefined {
  const raw = req.headers['x-registry-auth'];
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (header === undefined || header.trim() === '') return undefined;
  let json: unknown;
  try {
    // Go's URL-safe base64 with padding; Node's decoder takes both alphabets
    json = JSON.parse(Buffer.from(header.trim(), 'base64').toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid X-Registry-Auth header: not base64-encoded JSON');
  }
  const parsed = DockerAuthConfig.safeParse(json);
  if (!parsed.success) throw new ApiError(400, 'invalid X-Registry-Auth header: not an auth configuration');
  return credentialsOf(parsed.data);
}

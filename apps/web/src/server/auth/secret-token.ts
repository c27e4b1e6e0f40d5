/**
 * Random bearer secrets (session cookies, join tokens, host credentials, API tokens). They carry 256 bits of
 * entropy, so a plain SHA-256 is the right stored form: a slow hash only matters for guessable
 * secrets such as passwords. Lookups go by the hash; the secret itself is never stored.
 */
import { createHash, randomBytes } from 'node:crypto';

export type SecretKind = 'session' | 'join' | 'host' | 'api';

const PREFIX: Record<SecretKind, string> = { session: 'bs_', join: 'bjt_', host: 'bhc_', api: 'berth_' };

export function newSecret(kind: SecretKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

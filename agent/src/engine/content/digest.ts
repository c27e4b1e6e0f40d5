import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EngineError } from '../errors.ts';

/** Only sha256 is accepted: it is what Docker and every registry write, and one algorithm keeps paths simple. */
export const Digest = z.string().regex(/^sha256:[a-f0-9]{64}$/, 'expected a sha256:<64 hex> digest');
export type Digest = z.infer<typeof Digest>;

export function isDigest(value: string): value is Digest {
  return Digest.safeParse(value).success;
}

/** Validates untrusted input (a file name, a manifest field) as a digest. */
export function parseDigest(value: string, what = 'digest'): Digest {
  if (!isDigest(value))
    throw new EngineError('invalid', `${what} ${JSON.stringify(value)} is not a sha256 digest`);
  return value;
}

export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

export function sha256Digest(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

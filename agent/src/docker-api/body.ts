import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

/** JSON request bodies larger than this are refused with 413 (archives stream and are not bounded here). */
export const MAX_JSON_BODY = 4 * 1024 * 1024;

const tooLarge = () => new ApiError(413, `request body too large (limit ${MAX_JSON_BODY} bytes)`);

/**
 * Bodies of upgraded requests (exec start, attach): node does not parse them,
 * so the server reads them off the socket before the stream begins, lest they
 * arrive in the container's stdin.
 */
const upgradeBodies = new WeakMap<IncomingMessage, Buffer>();

export function setUpgradeBody(req: IncomingMessage, body: Buffer): void {
  upgradeBodies.set(req, body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const early = upgradeBodies.get(req);
  if (early) return early;
  if (Number(req.headers['content-length'] ?? 0) > MAX_JSON_BODY) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readJsonBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const text = (await readBody(req)).toString('utf8');
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ApiError(400, `malformed JSON body: ${(err as Error).message}`);
    }
  }
  return schema.parse(json);
}

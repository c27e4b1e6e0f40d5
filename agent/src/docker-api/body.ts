import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

/** JSON request bodies larger than this are refused with 413 (archives stream and are not bounded here). */
export const MAX_JSON_BODY = 4 * 1024 * 1024;

export async function readJsonBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_JSON_BODY)
    throw new ApiError(413, `request body too large (limit ${MAX_JSON_BODY} bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY)
      throw new ApiError(413, `request body too large (limit ${MAX_JSON_BODY} bytes)`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
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

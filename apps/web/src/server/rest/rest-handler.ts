/**
 * `/api/v1`: the REST face of the tRPC procedures that carry `meta.openapi`. Path parameters and
 * the query string (GET, DELETE) or the JSON body (POST, PUT, PATCH) form the procedure's input;
 * the procedure runs with all its middlewares (auth, CSRF for cookie callers, audit); errors
 * come back as `{ error: { code, message, issues? } }` with tRPC's HTTP status for the code.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callTRPCProcedure, getTRPCErrorFromUnknown, type TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Deps } from '../deps.ts';
import { appRouter } from '../trpc/app-router.ts';
import { createContext } from '../trpc/init.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { collectRoutes, type JsonSchema, jsonSchemaOf, matchRoute, type RestRoute } from './routes.ts';

export const REST_PREFIX = '/api/v1';
const MAX_BODY_BYTES = 1024 * 1024;

class BadRequest extends Error {}

interface RestIssue {
  path: string;
  message: string;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  issues?: RestIssue[],
): void {
  send(res, status, { error: { code, message, ...(issues ? { issues } : {}) } });
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
}

/** Query strings carry text; numbers, booleans and lists are read as the input schema says. */
function coerceQuery(query: URLSearchParams, schema: JsonSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    const type = schema?.properties?.[key]?.type;
    const one = values.at(-1)!;
    if (type === 'array') out[key] = values;
    else if (type === 'number' || type === 'integer')
      out[key] = one.trim() !== '' && !Number.isNaN(Number(one)) ? Number(one) : one;
    else if (type === 'boolean') out[key] = one === 'true' ? true : one === 'false' ? false : one;
    else out[key] = one;
  }
  return out;
}

/** Field-level messages of an input validation failure (zod / standard-schema issues). */
function issuesOf(error: TRPCError): RestIssue[] | undefined {
  const cause = error.cause as
    | { issues?: { path?: (PropertyKey | { key: PropertyKey })[]; message: string }[] }
    | undefined;
  if (!Array.isArray(cause?.issues)) return undefined;
  return cause.issues.map((issue) => ({
    path: (issue.path ?? []).map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.'),
    message: issue.message,
  }));
}

export function createRestHandler(deps: Deps) {
  const routes = collectRoutes(appRouter);
  const inputSchemas = new Map<RestRoute, JsonSchema | undefined>(
    routes.map((r) => [r, r.input ? jsonSchemaOf(r.input, 'input') : undefined]),
  );
  let openapi: string | undefined;

  return async function handleRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://berth.invalid');
    const path = url.pathname.slice(REST_PREFIX.length) || '/';
    const method = req.method ?? 'GET';
    if (path === '/openapi.json' && method === 'GET') {
      openapi ??= JSON.stringify(buildOpenApiDocument(routes));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(openapi);
      return;
    }
    const found = matchRoute(routes, method, path);
    if (!found) return sendError(res, 404, 'NOT_FOUND', `no route ${method} ${REST_PREFIX}${path}`);
    if ('allowed' in found) {
      res.setHeader('Allow', found.allowed.join(', '));
      return sendError(
        res,
        405,
        'METHOD_NOT_SUPPORTED',
        `${method} is not supported on ${REST_PREFIX}${path}`,
      );
    }
    const { route, params } = found;
    let input: unknown;
    try {
      const fromRequest =
        method === 'GET' || method === 'DELETE'
          ? coerceQuery(url.searchParams, inputSchemas.get(route))
          : await readJsonBody(req);
      if (typeof fromRequest !== 'object' || fromRequest === null || Array.isArray(fromRequest)) {
        throw new BadRequest('request body must be a JSON object');
      }
      input = route.input ? { ...fromRequest, ...params } : undefined;
    } catch (err) {
      if (err instanceof BadRequest) return sendError(res, 400, 'BAD_REQUEST', err.message);
      throw err;
    }
    const ctx = await createContext(deps, req, res);
    const aborter = new AbortController();
    res.once('close', () => aborter.abort());
    try {
      const data = await callTRPCProcedure({
        router: appRouter,
        path: route.procedurePath,
        getRawInput: async () => input,
        ctx,
        type: route.type,
        signal: aborter.signal,
        batchIndex: 0,
      });
      if (route.type === 'subscription') await streamLines(res, data as AsyncIterable<unknown>);
      else send(res, 200, data ?? null);
    } catch (err) {
      const { status, body } = errorAnswer(err, (e) =>
        deps.log(`rest ${method} ${path}: ${e.cause?.stack ?? e.stack}`),
      );
      if (!res.headersSent) return send(res, status, body);
      // mid-stream: the status is sent already, so the failure is the last line
      if (!res.destroyed) res.end(`${JSON.stringify(body)}\n`);
    }
  };
}

function errorAnswer(err: unknown, logInternal: (e: TRPCError) => void) {
  const error = getTRPCErrorFromUnknown(err);
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    logInternal(error);
    return { status: 500, body: { error: { code: error.code, message: 'internal error' } } };
  }
  const issues = error.code === 'BAD_REQUEST' ? issuesOf(error) : undefined;
  const message = issues ? issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ') : error.message;
  return {
    status: getHTTPStatusCodeFromError(error),
    body: { error: { code: error.code, message, ...(issues ? { issues } : {}) } },
  };
}

/**
 * A subscription as JSON lines. The first item is awaited before the status is sent, so a
 * refusal (no right, unknown host, host offline) is still an HTTP error; later failures end the
 * stream with an `{"error": …}` line.
 */
async function streamLines(res: ServerResponse, items: AsyncIterable<unknown>): Promise<void> {
  const it = items[Symbol.asyncIterator]();
  let next = await it.next();
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
  res.flushHeaders();
  try {
    while (!next.done) {
      if (!res.write(`${JSON.stringify(next.value)}\n`))
        await Promise.race([once(res, 'drain'), once(res, 'close')]);
      if (res.destroyed) break;
      next = await it.next();
    }
  } finally {
    await it.return?.();
  }
  res.end();
}

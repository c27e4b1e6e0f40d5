/**
 * The REST routes: every tRPC procedure with `meta.openapi`, read from the router itself, so a
 * procedure gets its route, its input validation and its OpenAPI entry from one definition.
 */
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import { z } from 'zod';
import type { ProcedureMeta } from '../trpc/init.ts';

type OpenApiMeta = NonNullable<ProcedureMeta['openapi']>;
export type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

export interface RestRoute extends OpenApiMeta {
  /** the procedure's tRPC path, e.g. `hosts.rename` */
  procedurePath: string;
  /** a subscription is served as a stream of JSON lines (application/x-ndjson) */
  type: 'query' | 'mutation' | 'subscription';
  pathParams: string[];
  pattern: RegExp;
  input: z.ZodType | undefined;
  output: z.ZodType | undefined;
}

/** The zod schema of a procedure's input (procedures here chain at most one `.input()`). */
function zodOf(parser: unknown): z.ZodType | undefined {
  return parser instanceof z.ZodType ? parser : undefined;
}

export function collectRoutes(router: AnyRouter): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const [procedurePath, procedure] of Object.entries(
    router._def.procedures as Record<string, AnyProcedure>,
  )) {
    const def = procedure._def as unknown as {
      meta?: ProcedureMeta;
      inputs: unknown[];
      output?: unknown;
      type: 'query' | 'mutation' | 'subscription';
    };
    const openapi = def.meta?.openapi;
    if (!openapi) continue;
    if (def.type === 'subscription' && openapi.method !== 'GET')
      throw new Error(`${procedurePath}: a streamed REST route is a GET`);
    if (def.inputs.length > 1) throw new Error(`${procedurePath}: REST routes need a single .input()`);
    const pathParams = [...openapi.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const pattern = new RegExp(
      `^${openapi.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, '([^/]+)')}$`,
    );
    routes.push({
      ...openapi,
      procedurePath,
      type: def.type,
      pathParams,
      pattern,
      input: zodOf(def.inputs[0]),
      output: zodOf(def.output),
    });
  }
  return routes;
}

/** JSON Schema of a zod schema as OpenAPI 3.1 embeds it (no `$schema` key). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export function matchRoute(
  routes: RestRoute[],
  method: string,
  path: string,
): { route: RestRoute; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    route.pathParams.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1]!);
    });
    return { route, params };
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

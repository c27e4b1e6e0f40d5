/** The OpenAPI 3.1 document of `/api/v1`, generated from the same routes and zod schemas. */
import { type JsonSchema, jsonSchemaOf, type RestRoute } from './routes.ts';

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Malformed input; `issues` names the fields',
  '401': 'No valid session or API token',
  '403': 'Not allowed for this caller (role, grants or token scope)',
  '404': 'Unknown object',
  '409': 'Conflicts with the current state',
  '429': 'Too many failed attempts; see Retry-After',
};

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

function operation(route: RestRoute) {
  const input = route.input ? jsonSchemaOf(route.input, 'input') : undefined;
  const properties = input?.properties ?? {};
  const required = new Set(input?.required ?? []);
  const parameters: unknown[] = route.pathParams.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: properties[name] ?? { type: 'string' },
  }));
  const bodyProperties: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (route.pathParams.includes(name)) continue;
    if (route.method === 'GET' || route.method === 'DELETE') {
      parameters.push({ name, in: 'query', required: required.has(name), schema });
    } else bodyProperties[name] = schema;
  }
  const hasBody =
    route.method !== 'GET' && route.method !== 'DELETE' && Object.keys(bodyProperties).length > 0;
  const bodyRequired = [...required].filter((name) => name in bodyProperties);
  return {
    operationId: route.procedurePath,
    summary: route.summary,
    tags: [route.procedurePath.split('.')[0]!],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(hasBody
      ? {
          requestBody: {
            required: bodyRequired.length > 0,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: bodyProperties,
                  ...(bodyRequired.length > 0 ? { required: bodyRequired } : {}),
                  additionalProperties: false,
                },
              },
            },
          },
        }
      : {}),
    responses: {
      '200':
        route.type === 'subscription'
          ? {
              description:
                'A stream: one JSON object per line while it lasts; a failure ends it with an Error line',
              content: {
                'application/x-ndjson': { schema: route.items ? jsonSchemaOf(route.items, 'output') : {} },
              },
            }
          : {
              description: 'OK',
              content: {
                'application/json': { schema: route.output ? jsonSchemaOf(route.output, 'output') : {} },
              },
            },
      ...Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([status, description]) => [
          status,
          {
            description,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        ]),
      ),
    },
  };
}

export function buildOpenApiDocument(routes: RestRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Berth API',
      version: '1',
      description: 'Authenticate with `Authorization: Bearer berth_…` (an API token).',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token, `berth_…`' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'berth_session' },
      },
    },
  };
}

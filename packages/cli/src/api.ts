/** Calls to the control plane's REST API (/api/v1) with the saved or given token. */
import { CliError } from './cli-error.ts';
import type { CliConfig } from './config.ts';

export interface ApiClient {
  url: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** The raw response of a streaming route (logs -f); the caller reads its body. */
  stream(path: string, signal?: AbortSignal): Promise<Response>;
}

async function failure(response: Response, method: string, path: string): Promise<CliError> {
  const text = await response.text();
  let message = text.trim() || response.statusText;
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the text
  }
  if (response.status === 404 && /^no route /.test(message)) {
    return new CliError(`this control plane has no ${method} /api/v1${path.split('?')[0]} (${message})`);
  }
  return new CliError(`${message} (HTTP ${response.status})`);
}

export function createApiClient(config: CliConfig): ApiClient {
  const headers = (json: boolean): Record<string, string> => ({
    authorization: `Bearer ${config.token}`,
    ...(json ? { 'content-type': 'application/json' } : {}),
  });
  async function send(method: string, path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${config.url}/api/v1${path}`, { method, ...init });
    } catch (err) {
      throw new CliError(`cannot reach ${config.url}: ${(err as Error).cause ?? (err as Error).message}`);
    }
  }
  return {
    url: config.url,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await send(method, path, {
        headers: headers(body !== undefined),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw await failure(response, method, path);
      return (await response.json()) as T;
    },
    async stream(path: string, signal?: AbortSignal): Promise<Response> {
      const response = await send('GET', path, { headers: headers(false), ...(signal ? { signal } : {}) });
      if (!response.ok) throw await failure(response, 'GET', path);
      return response;
    },
  };
}

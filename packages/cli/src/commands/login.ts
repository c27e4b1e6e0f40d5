/**
 * `berth login URL`: with --token, checks and saves it; otherwise logs in with a username and
 * password, mints an API token for this machine, ends that session and saves the token.
 */
import { hostname } from 'node:os';
import { createApiClient } from '../api.ts';
import { parse } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { saveConfig } from '../config.ts';
import { readPassword } from '../prompt.ts';

interface Me {
  id: string;
  username: string;
  role: string;
}

/** A browser-style session, used only to mint the token (CSRF wants our Origin on mutations). */
async function withSession<T>(
  url: string,
  username: string,
  password: string,
  use: (cookie: string) => Promise<T>,
) {
  const origin = new URL(url).origin;
  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    }).catch((err: Error) => {
      throw new CliError(`cannot reach ${url}: ${err.cause ?? err.message}`);
    });
  const login = await post('/api/trpc/auth.login', { username, password });
  if (!login.ok) {
    const body = (await login.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new CliError(`login failed: ${body.error?.message ?? login.statusText}`);
  }
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  try {
    return await use(cookie);
  } finally {
    await post('/api/trpc/auth.logout', null, cookie);
  }
}

export async function login(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    token: { type: 'string' },
    username: { type: 'string', short: 'u' },
    'password-stdin': { type: 'boolean' },
    scope: { type: 'string', default: 'write' },
    'expires-days': { type: 'string' },
  });
  const url = (positionals[0] ?? process.env.BERTH_URL ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url))
    throw new CliError('usage: berth login URL [--token berth_…] [-u USER] [--password-stdin]');
  let token = values.token;
  if (!token) {
    const username = values.username ?? (await readPassword('Username: ', { echo: true }));
    const password = await readPassword('Password: ', { fromStdin: values['password-stdin'] === true });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
    token = await withSession(url, username, password, async (cookie) => {
      const response = await fetch(`${url}/api/v1/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: new URL(url).origin, cookie },
        body: JSON.stringify({
          name: `cli@${hostname()} ${stamp}`.slice(0, 100),
          scope: values.scope,
          ...(values['expires-days'] ? { expiresInDays: Number(values['expires-days']) } : {}),
        }),
      });
      const body = (await response.json()) as { token?: string; error?: { message: string } };
      if (!response.ok || !body.token) throw new CliError(`cannot create a token: ${body.error?.message}`);
      return body.token;
    });
  }
  const me = await createApiClient({ url, token }).request<Me | null>('GET', '/auth/me');
  if (!me) throw new CliError('the control plane did not accept this token');
  const path = saveConfig({ url, token });
  console.log(`Logged in to ${url} as ${me.username} (${me.role}); token saved in ${path}`);
}

/** `berth token create|list|revoke`. */
import type { ApiClient } from '../api.ts';
import { need, parse } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';

interface Token {
  id: string;
  name: string;
  scope: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export async function token(api: ApiClient, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { values, positionals } = parse(rest, {
        scope: { type: 'string', default: 'read' },
        'expires-days': { type: 'string' },
      });
      const created = await api.request<Token & { token: string }>('POST', '/tokens', {
        name: need(positionals[0], 'token name'),
        scope: values.scope,
        ...(values['expires-days'] ? { expiresInDays: Number(values['expires-days']) } : {}),
      });
      console.error(`Created ${created.scope} token ${created.name} (${created.id}); it is shown only once:`);
      console.log(created.token);
      return;
    }
    case 'list':
    case 'ls': {
      const tokens = await api.request<Token[]>('GET', '/tokens');
      console.log(
        formatTable(
          ['ID', 'NAME', 'SCOPE', 'CREATED', 'EXPIRES', 'LAST USED'],
          tokens.map((t) => [
            t.id,
            t.name,
            t.scope,
            t.createdAt,
            t.expiresAt ?? 'never',
            t.lastUsedAt ?? 'never',
          ]),
        ),
      );
      return;
    }
    case 'revoke': {
      const which = need(rest[0], 'token id or name');
      const tokens = await api.request<Token[]>('GET', '/tokens');
      const found = tokens.find((t) => t.id === which) ?? tokens.find((t) => t.name === which);
      if (!found) throw new CliError(`no token ${JSON.stringify(which)}`);
      await api.request('DELETE', `/tokens/${found.id}`);
      console.log(`Revoked ${found.name} (${found.id})`);
      return;
    }
    default:
      throw new CliError(
        'usage: berth token create NAME [--scope read|write|admin] [--expires-days N] | list | revoke ID|NAME',
      );
  }
}

/** `berth hosts [ls|rename|labels|rm|join-token]`, and resolving a host argument (id or name). */
import type { ApiClient } from '../api.ts';
import { need, parse } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';

export interface Host {
  id: string;
  name: string;
  hostname: string;
  os: string;
  kernel: string;
  cpus: number;
  memoryBytes: number;
  status: string;
  lastSeenAt: string | null;
  labels: Record<string, string>;
}

export async function resolveHost(api: ApiClient, idOrName: string): Promise<Host> {
  const hosts = await api.request<Host[]>('GET', '/hosts');
  const byId = hosts.find((h) => h.id === idOrName);
  if (byId) return byId;
  const byName = hosts.filter((h) => h.name === idOrName);
  if (byName.length > 1) throw new CliError(`${byName.length} hosts are named ${idOrName}: use the id`);
  if (!byName[0]) throw new CliError(`no host ${JSON.stringify(idOrName)} that you may see`);
  return byName[0];
}

function parseLabels(pairs: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`labels are KEY=VALUE, not ${JSON.stringify(pair)}`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

const GiB = 1024 ** 3;

export async function hosts(api: ApiClient, args: string[]): Promise<void> {
  const [sub = 'ls', ...rest] = args;
  switch (sub) {
    case 'ls':
    case 'list': {
      const list = await api.request<Host[]>('GET', '/hosts');
      console.log(
        formatTable(
          ['ID', 'NAME', 'STATUS', 'OS', 'KERNEL', 'CPUS', 'MEMORY', 'LABELS'],
          list.map((h) => [
            h.id,
            h.name,
            h.status,
            h.os,
            h.kernel,
            String(h.cpus),
            `${(h.memoryBytes / GiB).toFixed(1)} GiB`,
            Object.entries(h.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          ]),
        ),
      );
      return;
    }
    case 'rename': {
      const host = await resolveHost(api, need(rest[0], 'host'));
      await api.request('POST', `/hosts/${host.id}/rename`, { name: need(rest[1], 'new name') });
      console.log(`Renamed ${host.name} to ${rest[1]}`);
      return;
    }
    case 'labels': {
      const host = await resolveHost(api, need(rest[0], 'host'));
      const labels = parseLabels(rest.slice(1));
      await api.request('PUT', `/hosts/${host.id}/labels`, { labels });
      console.log(`Labels of ${host.name}: ${JSON.stringify(labels)}`);
      return;
    }
    case 'rm': {
      const host = await resolveHost(api, need(rest[0], 'host'));
      await api.request('DELETE', `/hosts/${host.id}`);
      console.log(`Removed ${host.name} (${host.id})`);
      return;
    }
    case 'join-token': {
      const { values } = parse(rest, { ttl: { type: 'string', default: '60' } });
      const created = await api.request<{ token: string; expiresAt: string }>('POST', '/hosts/join-tokens', {
        ttlMinutes: Number(values.ttl),
      });
      console.error(`Join token (one use, expires ${created.expiresAt}):`);
      console.log(created.token);
      return;
    }
    default:
      throw new CliError(
        'usage: berth hosts [ls | rename HOST NAME | labels HOST [K=V...] | rm HOST | join-token [--ttl MIN]]',
      );
  }
}

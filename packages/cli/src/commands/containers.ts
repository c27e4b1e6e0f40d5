/** `berth ps|run|stop|rm|logs`: containers across hosts through the REST API. */
import type { ApiClient } from '../api.ts';
import { need, parse, parseWithCommand } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { type ContainerRow, containerRoutes } from '../container-routes.ts';
import { formatTable } from '../table.ts';
import { resolveHost } from './hosts.ts';

/** A container by id (prefix) or name, on --host when given, otherwise searched on every host. */
export async function resolveContainer(
  api: ApiClient,
  which: string,
  host: string | undefined,
): Promise<{ hostId: string; id: string; name: string }> {
  const hostId = host ? (await resolveHost(api, host)).id : undefined;
  const rows = await api.request<ContainerRow[]>('GET', containerRoutes.list({ hostId, all: true }));
  const exact = rows.filter((c) => c.id === which || c.name === which || c.name === `/${which}`);
  const matches = exact.length > 0 ? exact : rows.filter((c) => c.id.startsWith(which));
  if (matches.length > 1) {
    throw new CliError(
      `${which} matches ${matches.length} containers (${matches.map((m) => `${m.name} on ${m.hostName ?? m.hostId}`).join(', ')}): add --host`,
    );
  }
  if (!matches[0]) throw new CliError(`no container ${JSON.stringify(which)}${host ? ` on ${host}` : ''}`);
  return matches[0];
}

export async function ps(api: ApiClient, args: string[]): Promise<void> {
  const { values } = parse(args, { all: { type: 'boolean', short: 'a' }, host: { type: 'string' } });
  const hostId = values.host ? (await resolveHost(api, values.host)).id : undefined;
  const rows = await api.request<ContainerRow[]>(
    'GET',
    containerRoutes.list({ hostId, all: values.all === true }),
  );
  console.log(
    formatTable(
      ['HOST', 'CONTAINER ID', 'IMAGE', 'STATUS', 'NAME'],
      rows.map((c) => [
        c.hostName ?? c.hostId,
        c.id.slice(0, 12),
        c.image,
        c.status ?? c.state,
        c.name.replace(/^\//, ''),
      ]),
    ),
  );
}

export async function run(api: ApiClient, args: string[]): Promise<void> {
  const { values, target, command } = parseWithCommand(args, {
    host: { type: 'string' },
    name: { type: 'string' },
    env: { type: 'string', short: 'e', multiple: true },
    detach: { type: 'boolean', short: 'd' },
  });
  const host = await resolveHost(api, need(values.host, '--host (where to run)'));
  const created = await api.request<{ id: string }>('POST', containerRoutes.run(host.id), {
    image: need(target, 'image'),
    ...(values.name ? { name: values.name } : {}),
    ...(command.length > 0 ? { cmd: command } : {}),
    ...(values.env ? { env: values.env } : {}),
  });
  console.log(created.id);
  if (!values.detach) await followLogs(api, host.id, created.id, { follow: true });
}

export async function stop(api: ApiClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { host: { type: 'string' } });
  for (const which of positionals.length > 0 ? positionals : [need(undefined, 'container')]) {
    const c = await resolveContainer(api, which, values.host);
    await api.request('POST', containerRoutes.stop(c.hostId, c.id));
    console.log(which);
  }
}

export async function rm(api: ApiClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    host: { type: 'string' },
    force: { type: 'boolean', short: 'f' },
  });
  for (const which of positionals.length > 0 ? positionals : [need(undefined, 'container')]) {
    const c = await resolveContainer(api, which, values.host);
    await api.request('POST', containerRoutes.remove(c.hostId, c.id), { force: values.force === true });
    console.log(which);
  }
}

async function followLogs(
  api: ApiClient,
  hostId: string,
  id: string,
  opts: { follow: boolean; tail?: string | undefined; timestamps?: boolean },
) {
  const abort = new AbortController();
  const onInt = () => abort.abort();
  process.once('SIGINT', onInt);
  try {
    const response = await api.stream(containerRoutes.logs(hostId, id, opts), abort.signal);
    if (!response.body) return;
    for await (const line of jsonLines(response.body)) {
      const entry = line as { stream?: string; text?: string; error?: { message?: string } };
      if (entry.error) throw new CliError(entry.error.message ?? 'the log stream failed');
      (entry.stream === 'stderr' ? process.stderr : process.stdout).write(entry.text ?? '');
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', onInt);
  }
}

/** A streamed route's body: one JSON value per line. */
async function* jsonLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.trim() !== '') yield JSON.parse(line);
    }
  }
}

export async function logs(api: ApiClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    host: { type: 'string' },
    follow: { type: 'boolean', short: 'f' },
    tail: { type: 'string', short: 'n' },
    timestamps: { type: 'boolean', short: 't' },
  });
  const c = await resolveContainer(api, need(positionals[0], 'container'), values.host);
  await followLogs(api, c.hostId, c.id, {
    follow: values.follow === true,
    tail: values.tail,
    timestamps: values.timestamps === true,
  });
}

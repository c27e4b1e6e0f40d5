/** `berth engine` image, volume and engine-wide commands. */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { need, parse } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';
import type { EngineClient } from './engine-client.ts';
import { printProgress } from './engine-streams.ts';

const q = encodeURIComponent;

const mb = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)}GB` : `${(bytes / 1e6).toFixed(2)}MB`;

/** `repo:tag` → the engine's repo and tag query parameters */
function repoTag(ref: string): string {
  const colon = ref.lastIndexOf(':');
  const hasTag = colon > ref.lastIndexOf('/');
  return `repo=${q(hasTag ? ref.slice(0, colon) : ref)}&tag=${q(hasTag ? ref.slice(colon + 1) : 'latest')}`;
}

export async function images(e: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, { quiet: { type: 'boolean', short: 'q' } });
  const list = await e.json<{ Id: string; RepoTags: string[] | null; Size: number }[]>('GET', '/images/json');
  const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
  if (values.quiet) {
    for (const i of list) console.log(short(i.Id));
    return;
  }
  const rows = list.flatMap((i) =>
    (i.RepoTags?.length ? i.RepoTags : ['<none>:<none>']).map((t) => {
      const colon = t.lastIndexOf(':');
      return [t.slice(0, colon), t.slice(colon + 1), short(i.Id), mb(i.Size)];
    }),
  );
  console.log(formatTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'], rows));
}

/** `load -i FILE`: a docker-archive or OCI-layout tarball (gzip or not) */
export async function load(e: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, { input: { type: 'string', short: 'i' } });
  const res = await e.stream('POST', '/images/load', createReadStream(need(values.input, '-i FILE')));
  await printProgress(res, process.stdout);
}

/** `import FILE REF`: a root filesystem tarball as a one-layer image */
export async function importImage(e: EngineClient, args: string[]): Promise<void> {
  const [file, ref] = args;
  const res = await e.stream(
    'POST',
    `/images/create?fromSrc=-&${repoTag(need(ref, 'image name'))}`,
    createReadStream(need(file, 'tarball')),
  );
  await printProgress(res, process.stdout);
}

export async function tag(e: EngineClient, args: string[]): Promise<void> {
  const [source, target] = args;
  await e.json('POST', `/images/${q(need(source, 'source image'))}/tag?${repoTag(need(target, 'target'))}`);
}

export async function rmi(e: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { force: { type: 'boolean', short: 'f' } });
  if (positionals.length === 0) throw new CliError('missing image');
  for (const name of positionals) {
    const done = await e.json<{ Untagged?: string; Deleted?: string }[]>(
      'DELETE',
      `/images/${q(name)}?force=${values.force === true}`,
    );
    for (const d of done) console.log(d.Untagged ? `Untagged: ${d.Untagged}` : `Deleted: ${d.Deleted}`);
  }
}

export async function imagePrune(e: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, { all: { type: 'boolean', short: 'a' } });
  const filters = q(JSON.stringify({ dangling: [values.all ? 'false' : 'true'] }));
  const r = await e.json<{ ImagesDeleted: { Deleted?: string }[] | null; SpaceReclaimed: number }>(
    'POST',
    `/images/prune?filters=${filters}`,
  );
  for (const d of r.ImagesDeleted ?? []) if (d.Deleted) console.log(`Deleted: ${d.Deleted}`);
  console.log(`Total reclaimed space: ${mb(r.SpaceReclaimed)}`);
}

export async function commit(e: EngineClient, args: string[]): Promise<void> {
  const [container, ref] = args;
  const r = await e.json<{ Id: string }>(
    'POST',
    `/commit?container=${q(need(container, 'container'))}${ref ? `&${repoTag(ref)}` : ''}`,
    {},
  );
  console.log(r.Id);
}

export async function exportContainer(e: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { output: { type: 'string', short: 'o' } });
  const res = await e.stream('GET', `/containers/${q(need(positionals[0], 'container'))}/export`);
  if (!values.output && process.stdout.isTTY)
    throw new CliError('refusing to write a tarball to a terminal: use -o FILE');
  await pipeline(res, values.output ? createWriteStream(values.output) : process.stdout);
}

/** Containers first, then images, as `docker inspect` looks names up. */
export async function inspect(e: EngineClient, args: string[]): Promise<void> {
  if (args.length === 0) throw new CliError('missing container or image');
  const found: unknown[] = [];
  for (const name of args) {
    try {
      found.push(await e.json('GET', `/containers/${q(name)}/json`));
    } catch {
      found.push(await e.json('GET', `/images/${q(name)}/json`));
    }
  }
  console.log(JSON.stringify(found, null, 2));
}

export async function volume(e: EngineClient, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'ls': {
      const r = await e.json<{ Volumes: { Driver: string; Name: string }[] | null }>('GET', '/volumes');
      console.log(
        formatTable(
          ['DRIVER', 'VOLUME NAME'],
          (r.Volumes ?? []).map((v) => [v.Driver, v.Name]),
        ),
      );
      return;
    }
    case 'create': {
      const v = await e.json<{ Name: string }>('POST', '/volumes/create', rest[0] ? { Name: rest[0] } : {});
      console.log(v.Name);
      return;
    }
    case 'inspect':
      console.log(
        JSON.stringify(await Promise.all(rest.map((n) => e.json('GET', `/volumes/${q(n)}`))), null, 2),
      );
      return;
    case 'rm':
      for (const n of rest) {
        await e.json('DELETE', `/volumes/${q(n)}`);
        console.log(n);
      }
      return;
    case 'prune': {
      const r = await e.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>(
        'POST',
        '/volumes/prune',
      );
      for (const n of r.VolumesDeleted ?? []) console.log(n);
      console.log(`Total reclaimed space: ${mb(r.SpaceReclaimed)}`);
      return;
    }
    default:
      throw new CliError(
        'usage: berth engine volume ls | create [NAME] | inspect NAME… | rm NAME… | prune',
        2,
      );
  }
}

/** `events [--since T] [--until T]`: one line per event, until Ctrl-C (or --until) */
export async function events(e: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, { since: { type: 'string' }, until: { type: 'string' } });
  const query = [
    values.since ? `since=${q(values.since)}` : '',
    values.until ? `until=${q(values.until)}` : '',
  ]
    .filter(Boolean)
    .join('&');
  const res = await e.stream('GET', `/events${query ? `?${query}` : ''}`);
  let pending = '';
  for await (const chunk of res) {
    pending += String(chunk);
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const ev = JSON.parse(pending.slice(0, nl)) as {
        Type: string;
        Action: string;
        Actor: { ID: string; Attributes?: Record<string, string> };
        timeNano: number;
      };
      pending = pending.slice(nl + 1);
      const attrs = Object.entries(ev.Actor.Attributes ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      const when = new Date(Math.floor(ev.timeNano / 1e6)).toISOString();
      console.log(`${when} ${ev.Type} ${ev.Action} ${ev.Actor.ID}${attrs ? ` (${attrs})` : ''}`);
    }
  }
}

export async function stats(e: EngineClient): Promise<void> {
  const list = await e.json<{ Id: string; Names: string[] }[]>('GET', '/containers/json');
  const rows = await Promise.all(
    list.map(async (c) => {
      const s = await e.json<{
        cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number; online_cpus?: number };
        precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
        memory_stats: { usage?: number; limit?: number };
        pids_stats: { current?: number };
      }>('GET', `/containers/${c.Id}/stats?stream=false`);
      const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
      const sysDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
      const cpu = sysDelta > 0 ? (cpuDelta / sysDelta) * (s.cpu_stats.online_cpus ?? 1) * 100 : 0;
      return [
        c.Id.slice(0, 12),
        (c.Names[0] ?? '').replace(/^\//, ''),
        `${cpu.toFixed(2)}%`,
        `${mb(s.memory_stats.usage ?? 0)} / ${mb(s.memory_stats.limit ?? 0)}`,
        String(s.pids_stats.current ?? 0),
      ];
    }),
  );
  console.log(formatTable(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'PIDS'], rows));
}

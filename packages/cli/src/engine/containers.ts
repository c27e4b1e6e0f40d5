/** `berth engine ps|create|start|stop|kill|…`: one request per container, Docker's output. */

import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { need, parse } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';
import { parseCreate } from './create-options.ts';
import { ago, ports, shortId } from './format.ts';
import { pullForRun, splitRef } from './images.ts';
import { Changes, ContainerSummary, Created, Top, WaitResult } from './schemas.ts';
import type { EngineClient } from './socket-client.ts';

const id = encodeURIComponent;

export async function ps(engine: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, {
    all: { type: 'boolean', short: 'a' },
    quiet: { type: 'boolean', short: 'q' },
  });
  const rows = await engine.call('GET', '/containers/json', {
    query: { all: values.all === true ? 1 : undefined },
    schema: ContainerSummary.array(),
  });
  if (values.quiet) {
    for (const c of rows) console.log(shortId(c.Id));
    return;
  }
  console.log(
    formatTable(
      ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
      rows.map((c) => [
        shortId(c.Id),
        c.Image,
        JSON.stringify(c.Command.length > 20 ? `${c.Command.slice(0, 19)}…` : c.Command),
        ago(c.Created),
        c.Status,
        ports(c.Ports),
        c.Names.map((n) => n.replace(/^\//, '')).join(','),
      ]),
    ),
  );
}

/** Creates the container of `run`/`create` flags; returns its id and the parsed flags. */
export async function createContainer(engine: EngineClient, args: string[]) {
  const options = parseCreate(args);
  const createIt = () =>
    engine.call('POST', '/containers/create', {
      query: { name: options.name },
      body: options.body,
      schema: Created,
    });
  const created = await createIt().catch(async (err: unknown) => {
    if (!(err instanceof CliError && /No such image/.test(err.message))) throw err;
    await pullForRun(engine, options.body.Image);
    return createIt();
  });
  for (const warning of created.Warnings ?? []) process.stderr.write(`WARNING: ${warning}\n`);
  return { ...options, id: created.Id };
}

export async function create(engine: EngineClient, args: string[]): Promise<void> {
  console.log((await createContainer(engine, args)).id);
}

/** `start|pause|unpause|restart|stop|kill|rm CONTAINER…`: each in turn, its name echoed as Docker does. */
export async function eachContainer(engine: EngineClient, action: string, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    ...(action === 'stop' || action === 'restart' ? { time: { type: 'string', short: 't' } } : {}),
    ...(action === 'kill' ? { signal: { type: 'string', short: 's' } } : {}),
    ...(action === 'rm'
      ? { force: { type: 'boolean', short: 'f' }, volumes: { type: 'boolean', short: 'v' } }
      : {}),
  } as const);
  need(positionals[0], 'container');
  for (const which of positionals) {
    if (action === 'rm') {
      await engine.call('DELETE', `/containers/${id(which)}`, {
        query: { force: values.force ? 1 : undefined, v: values.volumes ? 1 : undefined },
      });
    } else {
      await engine.call('POST', `/containers/${id(which)}/${action}`, {
        query: { t: values.time, signal: action === 'kill' ? values.signal : undefined },
      });
    }
    console.log(which);
  }
}

export async function wait(engine: EngineClient, args: string[]): Promise<number> {
  const { positionals } = parse(args, {});
  let last = 0;
  for (const which of [need(positionals[0], 'container'), ...positionals.slice(1)]) {
    last = (await engine.call('POST', `/containers/${id(which)}/wait`, { schema: WaitResult })).StatusCode;
    console.log(last);
  }
  return last;
}

export async function rename(engine: EngineClient, args: string[]): Promise<void> {
  const { positionals } = parse(args, {});
  const [from, to] = [need(positionals[0], 'container'), need(positionals[1], 'new name')];
  await engine.call('POST', `/containers/${id(from)}/rename`, { query: { name: to } });
}

/** `inspect NAME…`: a container, else an image, else a volume, as Docker's JSON array. */
export async function inspect(engine: EngineClient, args: string[]): Promise<void> {
  const { positionals } = parse(args, {});
  const found: unknown[] = [];
  for (const which of [need(positionals[0], 'name'), ...positionals.slice(1)]) {
    const tries = [`/containers/${id(which)}/json`, `/images/${id(which)}/json`, `/volumes/${id(which)}`];
    let lastError: unknown;
    let hit = false;
    for (const path of tries) {
      try {
        found.push(JSON.parse(await engine.call('GET', path)));
        hit = true;
        break;
      } catch (err) {
        lastError ??= err;
      }
    }
    if (!hit) throw lastError;
  }
  console.log(JSON.stringify(found, null, 4));
}

export async function top(engine: EngineClient, args: string[]): Promise<void> {
  const { positionals } = parse(args, {});
  const result = await engine.call('GET', `/containers/${id(need(positionals[0], 'container'))}/top`, {
    schema: Top,
  });
  console.log(formatTable(result.Titles, result.Processes));
}

export async function diff(engine: EngineClient, args: string[]): Promise<void> {
  const { positionals } = parse(args, {});
  const changes = await engine.call('GET', `/containers/${id(need(positionals[0], 'container'))}/changes`, {
    schema: Changes,
  });
  for (const c of changes ?? []) console.log(`${'CAD'[c.Kind] ?? '?'} ${c.Path}`);
}

export async function exportContainer(engine: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { output: { type: 'string', short: 'o' } });
  const res = await engine.stream('GET', `/containers/${id(need(positionals[0], 'container'))}/export`);
  if (values.output) await pipeline(res, createWriteStream(values.output));
  else for await (const chunk of res) process.stdout.write(chunk);
}

export async function commit(engine: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    message: { type: 'string', short: 'm' },
    author: { type: 'string', short: 'a' },
  });
  const { repo, tag } = splitRef(positionals[1] ?? '');
  const result = await engine.call('POST', '/commit', {
    query: {
      container: need(positionals[0], 'container'),
      repo: repo || undefined,
      tag: tag || undefined,
      comment: values.message,
      author: values.author,
    },
    body: {},
    schema: Created,
  });
  console.log(result.Id);
}

/** `berth engine run|exec|logs|events|stats`: the commands that stream a container's I/O. */
import { need, parse, parseWithCommand } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';
import { copyOutput, runSession } from './container-io.ts';
import { createContainer } from './containers.ts';
import { humanSize } from './format.ts';
import {
  ContainerInspect,
  ContainerSummary,
  Created,
  EventMessage,
  ExecInspect,
  StatsSample,
  WaitResult,
} from './schemas.ts';
import { type EngineClient, jsonLines } from './socket-client.ts';

const id = encodeURIComponent;

/** Sends the terminal's size to `path` (a container's or an exec's resize endpoint). */
const resizer = (engine: EngineClient, path: string) => (rows: number, cols: number) =>
  engine.call('POST', path, { query: { h: rows, w: cols } });

/**
 * `run`: create; with -d print the id, otherwise attach before start (so no output is missed),
 * stream until the container ends and exit with its code, as `docker run` does.
 */
export async function run(engine: EngineClient, args: string[]): Promise<number> {
  const c = await createContainer(engine, args);
  if (c.detach) {
    await engine.call('POST', `/containers/${id(c.id)}/start`);
    console.log(c.id);
    return 0;
  }
  const socket = await engine.hijack(`/containers/${id(c.id)}/attach`, {
    query: { stream: 1, stdout: 1, stderr: 1, stdin: c.interactive ? 1 : undefined },
  });
  // the exit code is asked for before start: an auto-removed container may be gone by the time we look
  const exited = engine.call('POST', `/containers/${id(c.id)}/wait`, {
    query: { condition: c.autoRemove ? 'removed' : 'next-exit' },
    schema: WaitResult,
  });
  try {
    await engine.call('POST', `/containers/${id(c.id)}/start`);
  } catch (err) {
    socket.destroy();
    exited.catch(() => {});
    throw err;
  }
  // as docker's sig-proxy: a signal to this command goes to the container, which decides to end
  const proxy = (signal: NodeJS.Signals) =>
    void engine.call('POST', `/containers/${id(c.id)}/kill`, { query: { signal } }).catch(() => {});
  const proxied = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of proxied) process.on(signal, proxy);
  try {
    await runSession(socket, {
      tty: c.tty,
      interactive: c.interactive,
      resize: resizer(engine, `/containers/${id(c.id)}/resize`),
    });
    return (await exited).StatusCode;
  } finally {
    for (const signal of proxied) process.off(signal, proxy);
  }
}

export async function exec(engine: EngineClient, args: string[]): Promise<number> {
  const { values, target, command } = parseWithCommand(args, {
    interactive: { type: 'boolean', short: 'i' },
    tty: { type: 'boolean', short: 't' },
    env: { type: 'string', short: 'e', multiple: true },
    user: { type: 'string', short: 'u' },
    workdir: { type: 'string', short: 'w' },
    detach: { type: 'boolean', short: 'd' },
  });
  const container = need(target, 'container');
  if (command.length === 0) throw new CliError('missing command to run');
  const tty = values.tty === true;
  const interactive = values.interactive === true;
  const created = await engine.call('POST', `/containers/${id(container)}/exec`, {
    body: {
      Cmd: command,
      Tty: tty,
      AttachStdin: interactive,
      AttachStdout: true,
      AttachStderr: true,
      Env: values.env ?? [],
      ...(values.user ? { User: values.user } : {}),
      ...(values.workdir ? { WorkingDir: values.workdir } : {}),
    },
    schema: Created,
  });
  if (values.detach) {
    await engine.call('POST', `/exec/${created.Id}/start`, { body: { Detach: true, Tty: tty } });
    return 0;
  }
  const size = tty && process.stdout.isTTY ? [process.stdout.rows, process.stdout.columns] : undefined;
  const socket = await engine.hijack(`/exec/${created.Id}/start`, {
    body: { Detach: false, Tty: tty, ...(size ? { ConsoleSize: size } : {}) },
  });
  await runSession(socket, { tty, interactive, resize: resizer(engine, `/exec/${created.Id}/resize`) });
  return (await engine.call('GET', `/exec/${created.Id}/json`, { schema: ExecInspect })).ExitCode ?? 0;
}

export async function logs(engine: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    follow: { type: 'boolean', short: 'f' },
    tail: { type: 'string', short: 'n' },
    timestamps: { type: 'boolean', short: 't' },
    since: { type: 'string' },
    until: { type: 'string' },
  });
  const container = need(positionals[0], 'container');
  const info = await engine.call('GET', `/containers/${id(container)}/json`, { schema: ContainerInspect });
  const res = await engine.stream('GET', `/containers/${id(container)}/logs`, {
    query: {
      stdout: 1,
      stderr: 1,
      follow: values.follow ? 1 : undefined,
      tail: values.tail,
      timestamps: values.timestamps ? 1 : undefined,
      since: values.since,
      until: values.until,
    },
  });
  await copyOutput(res, info.Config.Tty === true);
}

/** `events`: the agent's event stream, one line per event, until interrupted. */
export async function events(engine: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, { since: { type: 'string' }, until: { type: 'string' } });
  const res = await engine.stream('GET', '/events', { query: { since: values.since, until: values.until } });
  for await (const e of jsonLines(res, EventMessage, 'event')) {
    const attrs = Object.entries(e.Actor.Attributes ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const when = new Date(e.timeNano / 1e6).toISOString();
    console.log(`${when} ${e.Type} ${e.Action} ${e.Actor.ID}${attrs ? ` (${attrs})` : ''}`);
  }
}

/** `stats --no-stream [CONTAINER…]`: one sample of each (all running ones by default). */
export async function stats(engine: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { 'no-stream': { type: 'boolean' } });
  if (!values['no-stream']) throw new CliError('stats streams only with the docker CLI; use --no-stream');
  const names =
    positionals.length > 0
      ? positionals
      : (await engine.call('GET', '/containers/json', { schema: ContainerSummary.array() })).map((c) => c.Id);
  const rows: string[][] = [];
  for (const which of names) {
    const s = await engine.call('GET', `/containers/${id(which)}/stats`, {
      query: { stream: 0 },
      schema: StatsSample,
    });
    const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats.cpu_usage?.total_usage ?? 0);
    const sysDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
    const cpu = sysDelta > 0 ? (cpuDelta / sysDelta) * (s.cpu_stats.online_cpus ?? 1) * 100 : 0;
    const usage = s.memory_stats.usage ?? 0;
    const limit = s.memory_stats.limit ?? 0;
    rows.push([
      s.id.slice(0, 12),
      s.name.replace(/^\//, ''),
      `${cpu.toFixed(2)}%`,
      `${humanSize(usage)} / ${humanSize(limit)}`,
      `${limit > 0 ? ((usage / limit) * 100).toFixed(2) : '0.00'}%`,
      String(s.pids_stats.current ?? 0),
    ]);
  }
  console.log(formatTable(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'PIDS'], rows));
}

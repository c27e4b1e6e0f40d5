/** `berth engine` container commands: run, ps, logs, exec and the lifecycle verbs. */
import type { Socket } from 'node:net';
import { need, parse, parseWithCommand } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { formatTable } from '../table.ts';
import { type EngineClient, readAll } from './engine-client.ts';
import { demux, printProgress } from './engine-streams.ts';
import { createBody, parseRunArgs } from './run-options.ts';

const q = encodeURIComponent;

interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  Command: string;
  Status: string;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
}

function ports(c: ContainerSummary): string {
  return c.Ports.map((p) =>
    p.PublicPort
      ? `${p.IP ?? '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`
      : `${p.PrivatePort}/${p.Type}`,
  ).join(', ');
}

export async function ps(e: EngineClient, args: string[]): Promise<void> {
  const { values } = parse(args, {
    all: { type: 'boolean', short: 'a' },
    quiet: { type: 'boolean', short: 'q' },
  });
  const list = await e.json<ContainerSummary[]>('GET', `/containers/json?all=${values.all === true}`);
  if (values.quiet) {
    for (const c of list) console.log(c.Id.slice(0, 12));
    return;
  }
  const rows = list.map((c) => [
    c.Id.slice(0, 12),
    c.Image,
    JSON.stringify(c.Command.length > 30 ? `${c.Command.slice(0, 29)}…` : c.Command),
    c.Status,
    ports(c),
    c.Names.map((n) => n.replace(/^\//, '')).join(','),
  ]);
  console.log(formatTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'STATUS', 'PORTS', 'NAMES'], rows));
}

/** Pipes a taken-over connection to this terminal: raw stdin in, output (demultiplexed without a TTY) out. */
async function relay(
  sock: Socket,
  opts: { tty: boolean; stdin: boolean; resize?: () => void },
): Promise<void> {
  const raw = opts.tty && opts.stdin && process.stdin.isTTY === true;
  if (raw) process.stdin.setRawMode(true);
  if (opts.resize && process.stdout.isTTY) {
    opts.resize();
    process.stdout.on('resize', opts.resize);
  }
  if (opts.stdin) {
    process.stdin.pipe(sock);
    process.stdin.on('end', () => sock.end());
  }
  try {
    if (opts.tty) for await (const chunk of sock) process.stdout.write(chunk as Buffer);
    else await demux(sock, process.stdout, process.stderr);
  } finally {
    if (raw) process.stdin.setRawMode(false);
    if (opts.resize) process.stdout.off('resize', opts.resize);
    process.stdin.unpipe(sock);
    process.stdin.pause();
  }
}

const size = () => `h=${process.stdout.rows ?? 24}&w=${process.stdout.columns ?? 80}`;

/** As `docker run`: an image that is not here is pulled first, its progress on stderr. */
async function create(e: EngineClient, args: string[]) {
  const { values, target, command } = parseRunArgs(args);
  const image = need(target, 'image');
  const body = createBody(values, image, command);
  const path = `/containers/create${values.name ? `?name=${q(values.name)}` : ''}`;
  try {
    return { id: (await e.json<{ Id: string }>('POST', path, body)).Id, values };
  } catch (err) {
    if (!/^No such image/.test((err as Error).message)) throw err;
  }
  process.stderr.write(`Unable to find image '${image}' locally\n`);
  const hasTag = image.lastIndexOf(':') > image.lastIndexOf('/') || image.includes('@');
  await printProgress(
    await e.stream('POST', `/images/create?fromImage=${q(image)}${hasTag ? '' : '&tag=latest'}`),
    process.stderr,
  );
  return { id: (await e.json<{ Id: string }>('POST', path, body)).Id, values };
}

/** docker run's exit statuses for a run that never ran: 127 no such command, 126 not executable, 125 the rest */
function runFailure(err: unknown): CliError {
  const message = (err as Error).message;
  const code = /executable file not found|no such file or directory/.test(message)
    ? 127
    : /permission denied/.test(message)
      ? 126
      : 125;
  return new CliError(message, code);
}

export async function createCommand(e: EngineClient, args: string[]): Promise<void> {
  console.log((await create(e, args)).id);
}

/** Like `docker run`: detached prints the id; otherwise attached until it ends, with its exit code. */
export async function run(e: EngineClient, args: string[]): Promise<number> {
  try {
    return await runAttached(e, args);
  } catch (err) {
    throw err instanceof CliError && err.exitCode !== 1 ? err : runFailure(err);
  }
}

async function runAttached(e: EngineClient, args: string[]): Promise<number> {
  const { id, values } = await create(e, args);
  if (values.detach) {
    await e.json('POST', `/containers/${id}/start`);
    console.log(id);
    return 0;
  }
  const tty = values.tty === true;
  const stdin = values.interactive === true;
  const sock = await e.hijack(
    `/containers/${id}/attach?stream=1&stdin=${stdin ? 1 : 0}&stdout=1&stderr=1`,
    {},
  );
  // the wait answers its headers at once: registered before the start, it cannot miss the exit
  const waiting = await e.stream(
    'POST',
    `/containers/${id}/wait?condition=${values.rm ? 'removed' : 'next-exit'}`,
  );
  try {
    await e.json('POST', `/containers/${id}/start`);
  } catch (err) {
    // nothing will come on either connection: do not wait for them to time out
    sock.destroy();
    waiting.destroy();
    throw err;
  }
  await relay(sock, {
    tty,
    stdin,
    ...(tty
      ? { resize: () => void e.json('POST', `/containers/${id}/resize?${size()}`).catch(() => {}) }
      : {}),
  });
  return (JSON.parse(await readAll(waiting)) as { StatusCode: number }).StatusCode;
}

export async function exec(e: EngineClient, args: string[]): Promise<number> {
  const { values, target, command } = parseWithCommand(args, {
    interactive: { type: 'boolean', short: 'i' },
    tty: { type: 'boolean', short: 't' },
    env: { type: 'string', short: 'e', multiple: true },
    user: { type: 'string', short: 'u' },
    workdir: { type: 'string', short: 'w' },
  });
  if (command.length === 0) throw new CliError('missing command to run');
  const tty = values.tty === true;
  const stdin = values.interactive === true;
  const { Id } = await e.json<{ Id: string }>('POST', `/containers/${q(need(target, 'container'))}/exec`, {
    Cmd: command,
    Tty: tty,
    AttachStdin: stdin,
    AttachStdout: true,
    AttachStderr: true,
    Env: values.env ?? [],
    ...(values.user ? { User: values.user } : {}),
    ...(values.workdir ? { WorkingDir: values.workdir } : {}),
  });
  const sock = await e.hijack(`/exec/${Id}/start`, { Detach: false, Tty: tty });
  await relay(sock, {
    tty,
    stdin,
    ...(tty ? { resize: () => void e.json('POST', `/exec/${Id}/resize?${size()}`).catch(() => {}) } : {}),
  });
  return (await e.json<{ ExitCode: number | null }>('GET', `/exec/${Id}/json`)).ExitCode ?? 0;
}

export async function logs(e: EngineClient, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    follow: { type: 'boolean', short: 'f' },
    tail: { type: 'string', short: 'n' },
    timestamps: { type: 'boolean', short: 't' },
  });
  const id = q(need(positionals[0], 'container'));
  const info = await e.json<{ Config: { Tty: boolean } }>('GET', `/containers/${id}/json`);
  const abort = () => process.exit(130);
  process.once('SIGINT', abort);
  try {
    const res = await e.stream(
      'GET',
      `/containers/${id}/logs?stdout=1&stderr=1&follow=${values.follow === true}&timestamps=${values.timestamps === true}&tail=${q(values.tail ?? 'all')}`,
    );
    if (info.Config.Tty) for await (const chunk of res) process.stdout.write(chunk as Buffer);
    else await demux(res, process.stdout, process.stderr);
  } finally {
    process.off('SIGINT', abort);
  }
}

/** The verbs that take containers and print each name as done: start, stop, kill, restart, pause, unpause, rm. */
export async function lifecycle(e: EngineClient, verb: string, args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    time: { type: 'string', short: 't' },
    signal: { type: 'string', short: 's' },
    force: { type: 'boolean', short: 'f' },
    volumes: { type: 'boolean', short: 'v' },
  });
  if (positionals.length === 0) throw new CliError('missing container');
  const failures: string[] = [];
  for (const name of positionals) {
    const id = q(name);
    try {
      if (verb === 'rm')
        await e.json(
          'DELETE',
          `/containers/${id}?force=${values.force === true}&v=${values.volumes === true}`,
        );
      else if (verb === 'kill')
        await e.json('POST', `/containers/${id}/kill${values.signal ? `?signal=${q(values.signal)}` : ''}`);
      else await e.json('POST', `/containers/${id}/${verb}${values.time ? `?t=${q(values.time)}` : ''}`);
      console.log(name);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (failures.length > 0) throw new CliError(failures.join('\n'));
}

export async function wait(e: EngineClient, args: string[]): Promise<void> {
  for (const name of args) {
    const { StatusCode } = await e.json<{ StatusCode: number }>('POST', `/containers/${q(name)}/wait`);
    console.log(StatusCode);
  }
}

export async function rename(e: EngineClient, args: string[]): Promise<void> {
  const [from, to] = args;
  await e.json('POST', `/containers/${q(need(from, 'container'))}/rename?name=${q(need(to, 'new name'))}`);
}

export async function top(e: EngineClient, args: string[]): Promise<void> {
  const t = await e.json<{ Titles: string[]; Processes: string[][] }>(
    'GET',
    `/containers/${q(need(args[0], 'container'))}/top`,
  );
  console.log(formatTable(t.Titles, t.Processes));
}

export async function diff(e: EngineClient, args: string[]): Promise<void> {
  const changes = await e.json<{ Path: string; Kind: number }[] | null>(
    'GET',
    `/containers/${q(need(args[0], 'container'))}/changes`,
  );
  for (const c of changes ?? []) console.log(`${['C', 'A', 'D'][c.Kind] ?? '?'} ${c.Path}`);
}

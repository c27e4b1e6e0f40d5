/** `berth engine run|create` flags, turned into the body of POST /containers/create. */
import { parseByteSize } from '../../../../agent/src/docker-api/schemas/byte-size.ts';
import { need, parseWithCommand } from '../args.ts';
import { CliError } from '../cli-error.ts';

export const createFlags = {
  name: { type: 'string' },
  env: { type: 'string', short: 'e', multiple: true },
  volume: { type: 'string', short: 'v', multiple: true },
  publish: { type: 'string', short: 'p', multiple: true },
  network: { type: 'string' },
  memory: { type: 'string', short: 'm' },
  cpus: { type: 'string' },
  'pids-limit': { type: 'string' },
  restart: { type: 'string' },
  rm: { type: 'boolean' },
  interactive: { type: 'boolean', short: 'i' },
  tty: { type: 'boolean', short: 't' },
  detach: { type: 'boolean', short: 'd' },
} as const;

/** `[IP:]HOST:CONTAINER[/PROTO]` or `CONTAINER[/PROTO]` (an ephemeral host port). */
function portBindings(specs: string[]) {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const spec of specs) {
    const m = /^(?:(?:([\d.]+):)?(\d*):)?(\d+)(?:\/(tcp|udp))?$/.exec(spec);
    if (!m)
      throw new CliError(`invalid port ${JSON.stringify(spec)}: expected [IP:]HOST:CONTAINER[/tcp|udp]`);
    const key = `${m[3]}/${m[4] ?? 'tcp'}`;
    exposed[key] = {};
    bindings[key] = [...(bindings[key] ?? []), { HostIp: m[1] ?? '', HostPort: m[2] ?? '' }];
  }
  return { exposed, bindings };
}

/** `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
function restartPolicy(text: string) {
  const [name, count] = text.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!) || (count && name !== 'on-failure')) {
    throw new CliError(
      `invalid --restart ${JSON.stringify(text)}: no, always, unless-stopped or on-failure[:N]`,
    );
  }
  const retries = count ? Number(count) : 0;
  if (!Number.isInteger(retries) || retries < 0)
    throw new CliError(`invalid --restart count ${JSON.stringify(count)}`);
  return { Name: name, MaximumRetryCount: retries };
}

function number(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`invalid ${flag} ${JSON.stringify(text)}`);
  return n;
}

function bytes(text: string, flag: string): number {
  try {
    return parseByteSize(text);
  } catch (err) {
    throw new CliError(`invalid ${flag}: ${(err as Error).message}`);
  }
}

export function parseCreate(args: string[]) {
  const { values: v, target, command } = parseWithCommand(args, createFlags);
  const ports = portBindings(v.publish ?? []);
  const interactive = v.interactive === true;
  const body = {
    Image: need(target, 'image'),
    ...(command.length > 0 ? { Cmd: command } : {}),
    Env: v.env ?? [],
    Tty: v.tty === true,
    OpenStdin: interactive,
    StdinOnce: interactive,
    AttachStdin: interactive,
    AttachStdout: v.detach !== true,
    AttachStderr: v.detach !== true,
    ExposedPorts: ports.exposed,
    HostConfig: {
      Binds: v.volume ?? [],
      PortBindings: ports.bindings,
      AutoRemove: v.rm === true,
      ...(v.network ? { NetworkMode: v.network } : {}),
      ...(v.memory ? { Memory: bytes(v.memory, '--memory') } : {}),
      ...(v.cpus ? { NanoCpus: Math.round(number(v.cpus, '--cpus') * 1e9) } : {}),
      ...(v['pids-limit'] ? { PidsLimit: number(v['pids-limit'], '--pids-limit') } : {}),
      ...(v.restart ? { RestartPolicy: restartPolicy(v.restart) } : {}),
    },
  };
  return {
    body,
    name: v.name,
    detach: v.detach === true,
    interactive,
    tty: v.tty === true,
    autoRemove: v.rm === true,
  };
}

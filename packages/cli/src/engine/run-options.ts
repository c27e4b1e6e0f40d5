/** `berth engine run/create` flags → the engine's container create body (Docker's shape). */
import { parseWithCommand } from '../args.ts';
import { CliError } from '../cli-error.ts';

export const RUN_FLAGS = {
  name: { type: 'string' },
  detach: { type: 'boolean', short: 'd' },
  rm: { type: 'boolean' },
  interactive: { type: 'boolean', short: 'i' },
  tty: { type: 'boolean', short: 't' },
  env: { type: 'string', short: 'e', multiple: true },
  volume: { type: 'string', short: 'v', multiple: true },
  publish: { type: 'string', short: 'p', multiple: true },
  network: { type: 'string' },
  memory: { type: 'string', short: 'm' },
  cpus: { type: 'string' },
  'pids-limit': { type: 'string' },
  restart: { type: 'string' },
  workdir: { type: 'string', short: 'w' },
  user: { type: 'string', short: 'u' },
  hostname: { type: 'string', short: 'h' },
  entrypoint: { type: 'string' },
} as const;

export function parseRunArgs(args: string[]) {
  return parseWithCommand(args, RUN_FLAGS);
}
export type RunValues = ReturnType<typeof parseRunArgs>['values'];

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512m`, `1g`, `1048576`: bytes, as docker's --memory reads them */
export function parseBytes(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(text.trim());
  if (!m)
    throw new CliError(
      `invalid ${flag} ${JSON.stringify(text)}: a number with an optional unit b, k, m or g`,
    );
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1));
}

/** `[ip:]hostPort:containerPort[/proto]` or `containerPort[/proto]` */
function parsePublish(spec: string): { key: string; hostIp: string; hostPort: string } {
  const [addr = '', proto = 'tcp'] = spec.split('/');
  const parts = addr.split(':');
  const containerPort = parts.pop() ?? '';
  const hostPort = parts.pop() ?? '';
  const hostIp = parts.join(':');
  if (
    !/^\d+$/.test(containerPort) ||
    (hostPort !== '' && !/^\d+$/.test(hostPort)) ||
    !['tcp', 'udp'].includes(proto)
  )
    throw new CliError(`invalid -p ${JSON.stringify(spec)}: [ip:]hostPort:containerPort[/tcp|udp]`);
  return { key: `${containerPort}/${proto}`, hostIp, hostPort };
}

function parseRestart(text: string): { Name: string; MaximumRetryCount: number } {
  const [name = '', count] = text.split(':');
  if (
    !['no', 'always', 'unless-stopped', 'on-failure'].includes(name) ||
    (count !== undefined && name !== 'on-failure')
  )
    throw new CliError(
      `invalid --restart ${JSON.stringify(text)}: no, always, unless-stopped or on-failure[:N]`,
    );
  return { Name: name, MaximumRetryCount: count === undefined ? 0 : Number(count) };
}

export function createBody(values: RunValues, image: string, cmd: string[]) {
  const ports = (values.publish ?? []).map(parsePublish);
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports)
    bindings[p.key] = [...(bindings[p.key] ?? []), { HostIp: p.hostIp, HostPort: p.hostPort }];
  const cpus = values.cpus === undefined ? undefined : Number(values.cpus);
  if (cpus !== undefined && !(cpus > 0)) throw new CliError(`invalid --cpus ${JSON.stringify(values.cpus)}`);
  const pids = values['pids-limit'] === undefined ? undefined : Number(values['pids-limit']);
  if (pids !== undefined && !Number.isInteger(pids))
    throw new CliError(`invalid --pids-limit ${values['pids-limit']}`);
  const interactive = values.interactive === true;
  return {
    Image: image,
    ...(cmd.length > 0 ? { Cmd: cmd } : {}),
    ...(values.entrypoint !== undefined ? { Entrypoint: [values.entrypoint] } : {}),
    Env: values.env ?? [],
    Tty: values.tty === true,
    OpenStdin: interactive,
    StdinOnce: interactive,
    AttachStdin: interactive,
    AttachStdout: values.detach !== true,
    AttachStderr: values.detach !== true,
    ...(values.workdir ? { WorkingDir: values.workdir } : {}),
    ...(values.user ? { User: values.user } : {}),
    ...(values.hostname ? { Hostname: values.hostname } : {}),
    ExposedPorts: Object.fromEntries(ports.map((p) => [p.key, {}])),
    HostConfig: {
      AutoRemove: values.rm === true,
      Binds: values.volume ?? [],
      PortBindings: bindings,
      ...(values.network ? { NetworkMode: values.network } : {}),
      ...(values.memory ? { Memory: parseBytes(values.memory, '--memory') } : {}),
      ...(cpus !== undefined ? { NanoCpus: Math.round(cpus * 1e9) } : {}),
      ...(pids !== undefined ? { PidsLimit: pids } : {}),
      ...(values.restart ? { RestartPolicy: parseRestart(values.restart) } : {}),
    },
  };
}

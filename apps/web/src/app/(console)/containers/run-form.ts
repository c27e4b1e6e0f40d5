/**
 * The run dialog's fields (strings and booleans, as typed) to the link's RunContainerInput, checked
 * with that same schema: what the dialog accepts is exactly what the agent will accept.
 */
import { RunContainerInput } from '@berth/protocol';
import type { z } from 'zod';
import { parseKeyValueLines } from '../../ui/key-value-lines.ts';
import { splitCommand } from './split-command.ts';

export const RESTART_POLICIES = RunContainerInput.shape.restartPolicy.unwrap().options;

export type RunFields = {
  hostId: string;
  image: string;
  name: string;
  command: string;
  entrypoint: string;
  env: string;
  labels: string;
  workingDir: string;
  user: string;
  restartPolicy: (typeof RESTART_POLICIES)[number];
  tty: boolean;
  autoRemove: boolean;
  /** one `[ip:]hostPort:containerPort[/udp]` or `containerPort` a line */
  ports: string;
  /** one `volume:/path[:ro]` or `/host/path:/path[:ro]` a line */
  volumes: string;
  /** empty: the default bridge */
  network: string;
  /** `512m`, `1g`, bytes */
  memory: string;
  /** `0.5` */
  cpus: string;
  pidsLimit: string;
};

export const EMPTY_RUN: RunFields = {
  hostId: '',
  image: '',
  name: '',
  command: '',
  entrypoint: '',
  env: '',
  labels: '',
  workingDir: '',
  user: '',
  restartPolicy: 'no',
  tty: true,
  autoRemove: false,
  ports: '',
  volumes: '',
  network: '',
  memory: '',
  cpus: '',
  pidsLimit: '',
};

type Input = z.input<typeof RunContainerInput>;
type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** `-p` lines as docker run reads them */
export function parsePorts(text: string): Parsed<NonNullable<Input['ports']>> {
  const out: NonNullable<Input['ports']> = [];
  for (const line of lines(text)) {
    const m = /^(?:(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/.exec(line);
    if (!m) return { ok: false, error: `${line}: [ip:]hostPort:containerPort[/udp]` };
    out.push({
      hostIp: m[1] ?? '',
      hostPort: m[2] ? Number(m[2]) : 0,
      containerPort: Number(m[3]),
      protocol: m[4] === 'udp' ? 'udp' : 'tcp',
    });
  }
  return { ok: true, value: out };
}

/** `-v` lines: a source starting with / is a host path, anything else a named volume */
export function parseVolumes(text: string): Parsed<NonNullable<Input['mounts']>> {
  const out: NonNullable<Input['mounts']> = [];
  for (const line of lines(text)) {
    const [source = '', target = '', mode, ...rest] = line.split(':');
    if (!source || !target || rest.length > 0 || (mode !== undefined && mode !== 'ro' && mode !== 'rw'))
      return { ok: false, error: `${line}: volume:/path[:ro] or /host/path:/path[:ro]` };
    out.push({ type: source.startsWith('/') ? 'bind' : 'volume', source, target, readOnly: mode === 'ro' });
  }
  return { ok: true, value: out };
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseMemory(text: string): Parsed<number | undefined> {
  if (!text.trim()) return { ok: true, value: undefined };
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)$/i.exec(text.trim());
  if (!m) return { ok: false, error: 'a size such as 512m or 1g' };
  return { ok: true, value: Math.round(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1)) };
}

export type RunErrors = Partial<Record<keyof RunFields, string>>;

export function toRunInput(
  fields: RunFields,
): { ok: true; hostId: string; input: RunContainerInput } | { ok: false; errors: RunErrors } {
  const errors: RunErrors = {};
  if (!fields.hostId) errors.hostId = 'choose a host';
  const command = splitCommand(fields.command);
  if (!command.ok) errors.command = command.error;
  const entrypoint = splitCommand(fields.entrypoint);
  if (!entrypoint.ok) errors.entrypoint = entrypoint.error;
  const labels = parseKeyValueLines(fields.labels);
  if (!labels.ok) errors.labels = labels.error;
  const env = lines(fields.env);
  const ports = parsePorts(fields.ports);
  if (!ports.ok) errors.ports = ports.error;
  const volumes = parseVolumes(fields.volumes);
  if (!volumes.ok) errors.volumes = volumes.error;
  const memory = parseMemory(fields.memory);
  if (!memory.ok) errors.memory = memory.error;
  const cpus = fields.cpus.trim() === '' ? undefined : Number(fields.cpus);
  if (cpus !== undefined && !(cpus > 0)) errors.cpus = 'a number of CPUs such as 0.5';
  const pids = fields.pidsLimit.trim() === '' ? undefined : Number(fields.pidsLimit);
  const candidate = {
    image: fields.image.trim(),
    ...(fields.name.trim() ? { name: fields.name.trim() } : {}),
    ...(command.ok && command.argv.length ? { cmd: command.argv } : {}),
    ...(entrypoint.ok && entrypoint.argv.length ? { entrypoint: entrypoint.argv } : {}),
    env,
    labels: labels.ok ? labels.value : {},
    ...(fields.workingDir.trim() ? { workingDir: fields.workingDir.trim() } : {}),
    ...(fields.user.trim() ? { user: fields.user.trim() } : {}),
    restartPolicy: fields.restartPolicy,
    tty: fields.tty,
    openStdin: fields.tty,
    autoRemove: fields.autoRemove,
    ports: ports.ok ? ports.value : [],
    mounts: volumes.ok ? volumes.value : [],
    ...(fields.network.trim() ? { network: fields.network.trim() } : {}),
    ...(memory.ok && memory.value !== undefined ? { memoryBytes: memory.value } : {}),
    ...(cpus !== undefined && cpus > 0 ? { nanoCpus: Math.round(cpus * 1e9) } : {}),
    ...(pids !== undefined ? { pidsLimit: pids } : {}),
  };
  const parsed = RunContainerInput.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = FIELD_OF_PATH[String(issue.path[0])] ?? 'image';
      errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, hostId: fields.hostId, input: candidate };
}

const FIELD_OF_PATH: Record<string, keyof RunFields> = {
  image: 'image',
  name: 'name',
  cmd: 'command',
  entrypoint: 'entrypoint',
  env: 'env',
  labels: 'labels',
  workingDir: 'workingDir',
  user: 'user',
  ports: 'ports',
  mounts: 'volumes',
  network: 'network',
  memoryBytes: 'memory',
  nanoCpus: 'cpus',
  pidsLimit: 'pidsLimit',
};

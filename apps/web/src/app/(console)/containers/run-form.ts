/**
 * The run dialog's fields (strings and booleans, as typed) to the link's RunContainerInput, checked
 * with that same schema: what the dialog accepts is exactly what the agent will accept.
 */
import { RunContainerInput } from '@berth/protocol';
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
};

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
  const env = fields.env
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
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
};

import { EngineError } from '../errors.ts';
import type { ContainerConfig } from './oci-schemas.ts';

/**
 * The Dockerfile instructions `docker import --change` and `docker commit
 * --change` accept: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME,
 * WORKDIR, STOPSIGNAL, ONBUILD. Returns a new config; the input is untouched.
 */
export function applyDockerfileChanges(base: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const c: ContainerConfig = structuredClone(base);
  for (const raw of changes) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^(\S+)\s*(.*)$/s.exec(line);
    const instruction = m?.[1]?.toUpperCase() ?? '';
    const rest = m?.[2]?.trim() ?? '';
    const bad = (why: string) => new EngineError('invalid', `invalid change ${JSON.stringify(raw)}: ${why}`);
    switch (instruction) {
      case 'CMD':
        c.Cmd = commandForm(rest);
        break;
      case 'ENTRYPOINT':
        c.Entrypoint = commandForm(rest);
        break;
      case 'ENV':
        for (const [k, v] of keyValues(rest, bad)) {
          c.Env = [...(c.Env ?? []).filter((e) => e.split('=')[0] !== k), `${k}=${v}`];
        }
        break;
      case 'LABEL':
        for (const [k, v] of keyValues(rest, bad)) c.Labels = { ...c.Labels, [k]: v };
        break;
      case 'EXPOSE':
        for (const p of rest.split(/\s+/)) {
          if (!/^\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/i.test(p)) throw bad(`bad port ${p}`);
          c.ExposedPorts = { ...c.ExposedPorts, [p.includes('/') ? p.toLowerCase() : `${p}/tcp`]: {} };
        }
        break;
      case 'VOLUME':
        for (const v of listForm(rest)) c.Volumes = { ...c.Volumes, [v]: {} };
        break;
      case 'USER':
        if (rest === '') throw bad('USER needs a value');
        c.User = rest;
        break;
      case 'WORKDIR':
        if (rest === '') throw bad('WORKDIR needs a value');
        c.WorkingDir = rest.startsWith('/') ? rest : `${c.WorkingDir ?? '/'}/${rest}`.replace(/\/+/g, '/');
        break;
      case 'STOPSIGNAL':
        if (rest === '') throw bad('STOPSIGNAL needs a value');
        c.StopSignal = rest;
        break;
      case 'ONBUILD':
        c.OnBuild = [...(c.OnBuild ?? []), rest];
        break;
      default:
        throw bad(
          `${instruction} is not supported (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR)`,
        );
    }
  }
  return c;
}

/** JSON array form as-is; shell form wrapped in /bin/sh -c, as the builder does. */
function commandForm(rest: string): string[] {
  const json = tryJsonArray(rest);
  return json ?? ['/bin/sh', '-c', rest];
}

function listForm(rest: string): string[] {
  return tryJsonArray(rest) ?? rest.split(/\s+/).filter((s) => s !== '');
}

function tryJsonArray(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

/** `k=v k2="v 2"` or the legacy `k v with spaces` form. */
function keyValues(rest: string, bad: (why: string) => Error): [string, string][] {
  const first = /^(\S+)/.exec(rest)?.[1] ?? '';
  if (!first.includes('=')) {
    const space = rest.search(/\s/);
    if (space < 0) throw bad('needs a key and a value');
    return [[rest.slice(0, space), rest.slice(space).trim()]];
  }
  const out: [string, string][] = [];
  const re = /([^\s=]+)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))/g;
  let consumed = '';
  for (const m of rest.matchAll(re)) {
    const key = m[1] ?? '';
    const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? m[5] ?? '');
    out.push([key, value]);
    consumed += m[0];
  }
  if (consumed.replace(/\s/g, '') !== rest.replace(/\s/g, '')) throw bad('cannot parse key=value pairs');
  return out;
}

import { nativeHelperPath } from '../../native/helper-path.ts';
import { EngineError } from '../errors.ts';
import {
  CAPABILITIES,
  DOCKER_DEFAULT_CAPABILITIES,
  defaultMounts,
  defaultSeccompProfile,
  defaultSpec,
} from '../oci/index.ts';
import type { Mount as OciMount, RuntimeSpecInput } from '../oci/spec.ts';
import { hostBoundingCapabilities } from './host-capabilities.ts';
import type { ContainerRecord } from './record.ts';
import type { ResolvedUser } from './resolve-user.ts';
import { timeNamespace } from './time-namespace.ts';

const DOCKER_INIT = '/sbin/docker-init';

const RLIMIT_NAMES = new Set([
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
  'as',
]);

/** `--cap-add`/`--cap-drop` names: with or without CAP_, any case, or ALL. */
function normalizeCap(name: string): string {
  const upper = name.toUpperCase();
  if (upper === 'ALL') return upper;
  const cap = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!(CAPABILITIES as readonly string[]).includes(cap))
    throw new EngineError('invalid', `unknown capability: "${name}"`);
  return cap;
}

export function effectiveCapabilities(
  privileged: boolean,
  add: string[],
  drop: string[],
  all: readonly string[] = hostBoundingCapabilities(),
): string[] {
  if (privileged) return [...all];
  const adds = add.map(normalizeCap);
  const drops = drop.map(normalizeCap);
  let caps = new Set<string>(adds.includes('ALL') ? all : DOCKER_DEFAULT_CAPABILITIES);
  if (drops.includes('ALL')) caps = new Set();
  for (const cap of drops) caps.delete(cap);
  for (const cap of adds) if (cap !== 'ALL') caps.add(cap);
  return [...caps];
}

export interface SpecInputs {
  record: ContainerRecord;
  rootPath: string;
  user: ResolvedUser;
  /** volume mounts resolved to host directories */
  volumePaths: Map<string, string>;
  /** the host's hard limits, so asked rlimits never exceed them */
  hostHardLimit: (resource: string) => number;
}

/** The OCI runtime spec for a container: Docker's defaults, then what the user asked. */
export function buildRuntimeSpec({
  record,
  rootPath,
  user,
  volumePaths,
  hostHardLimit,
}: SpecInputs): RuntimeSpecInput {
  const host = record.spec.host;
  const env = record.env.some((e) => e.startsWith('HOME='))
    ? record.env
    : [...record.env, `HOME=${user.home}`];
  const spec = defaultSpec({
    args: [record.path, ...record.args],
    rootPath,
    env: record.spec.tty && !env.some((e) => e.startsWith('TERM=')) ? [...env, 'TERM=xterm'] : env,
    cwd: record.workingDir,
    hostname: record.hostname,
    terminal: record.spec.tty,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
  });
  const caps = effectiveCapabilities(host.privileged, host.capAdd, host.capDrop);
  const linux = spec.linux ?? {};
  const mounts: OciMount[] = defaultMounts({ shmSizeBytes: host.shmSizeBytes }).map((m) =>
    host.privileged && m.destination === '/sys' ? { ...m, options: m.options.filter((o) => o !== 'ro') } : m,
  );
  for (const mount of host.mounts) {
    switch (mount.type) {
      case 'bind':
        mounts.push({
          destination: mount.target,
          type: 'bind',
          source: mount.source,
          options: ['rbind', mount.readOnly ? 'ro' : 'rw'],
        });
        break;
      case 'volume': {
        const source = volumePaths.get(mount.target);
        if (!source) throw new EngineError('internal', `volume for ${mount.target} was not prepared`);
        mounts.push({
          destination: mount.target,
          type: 'bind',
          source,
          options: ['rbind', mount.readOnly ? 'ro' : 'rw'],
        });
        break;
      }
      case 'tmpfs': {
        const options = ['nosuid', 'nodev', 'noexec'];
        if (mount.sizeBytes) options.push(`size=${mount.sizeBytes}`);
        if (mount.mode !== undefined) options.push(`mode=${mount.mode.toString(8)}`);
        if (mount.readOnly) options.push('ro');
        mounts.push({ destination: mount.target, type: 'tmpfs', source: 'tmpfs', options });
        break;
      }
      default: {
        const unreachable: never = mount;
        throw new Error(`unknown mount ${JSON.stringify(unreachable)}`);
      }
    }
  }
  // --init: the native helper itself, bind-mounted as Docker's /sbin/docker-init, becomes PID 1
  const args = host.init ? [DOCKER_INIT, '--', record.path, ...record.args] : [record.path, ...record.args];
  if (host.init)
    mounts.push({
      destination: DOCKER_INIT,
      type: 'bind',
      source: nativeHelperPath(),
      options: ['rbind', 'ro'],
    });
  const rlimits = host.ulimits.map((u) => {
    if (!RLIMIT_NAMES.has(u.name)) throw new EngineError('invalid', `invalid ulimit type: ${u.name}`);
    const resource = `RLIMIT_${u.name.toUpperCase()}`;
    const max = hostHardLimit(resource);
    const clamp = (v: number) => (v < 0 ? max : Math.min(v, max));
    if (u.soft > u.hard && u.hard >= 0)
      throw new EngineError(
        'invalid',
        `ulimit soft limit must be less than or equal to hard limit: ${u.soft} > ${u.hard}`,
      );
    return { type: resource, soft: clamp(u.soft), hard: clamp(u.hard) };
  });
  const timens = timeNamespace(host.timeOffsets);
  return {
    ...spec,
    process: {
      ...spec.process,
      args,
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      noNewPrivileges: host.noNewPrivileges,
      rlimits,
    },
    root: { path: rootPath, readonly: host.readonlyRootfs },
    mounts,
    linux: {
      ...linux,
      // the profile follows the capabilities (CAP_SYS_ADMIN opens mount, …); privileged means none at all
      seccomp: host.privileged || host.seccomp === 'unconfined' ? undefined : defaultSeccompProfile(caps),
      maskedPaths: host.privileged ? [] : linux.maskedPaths,
      readonlyPaths: host.privileged ? [] : linux.readonlyPaths,
      ...(timens && {
        namespaces: [...(linux.namespaces ?? []), ...timens.namespaces],
        timeOffsets: timens.timeOffsets,
      }),
    },
  };
}

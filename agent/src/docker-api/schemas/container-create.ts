import { z } from 'zod';
import type { ContainerSpecInput, Mount } from '../../engine/containers/spec.ts';
import { EngineError } from '../../engine/errors.ts';
import { parseByteSize } from './byte-size.ts';
import { NetworkingConfig, PortBindings, toNetworkSpec } from './container-network.ts';
import { timeOffsetsFromAnnotations } from './time-annotations.ts';

/**
 * The body of POST /containers/create as the docker CLI, dockerode and compose
 * send it. Clients send many fields with zero values meaning "unset", and
 * fields Berth does not know yet: objects are loose, zeros become undefined.
 * Wrong types are still refused (400) before anything is created.
 */
const nullableStrings = z.array(z.string()).nullish();
const positiveOrUnset = z
  .number()
  .nullish()
  .transform((n) => (n && n > 0 ? n : undefined));

const HostConfig = z.looseObject({
  Binds: nullableStrings,
  Memory: positiveOrUnset,
  MemorySwap: z.number().nullish(),
  MemoryReservation: positiveOrUnset,
  NanoCpus: positiveOrUnset,
  CpuPeriod: positiveOrUnset,
  CpuQuota: positiveOrUnset,
  CpuShares: positiveOrUnset,
  CpusetCpus: z.string().nullish(),
  CpusetMems: z.string().nullish(),
  PidsLimit: z.number().nullish(),
  BlkioWeight: positiveOrUnset,
  RestartPolicy: z
    .looseObject({ Name: z.string().nullish(), MaximumRetryCount: z.number().int().nullish() })
    .nullish(),
  AutoRemove: z.boolean().nullish(),
  Privileged: z.boolean().nullish(),
  CapAdd: nullableStrings,
  CapDrop: nullableStrings,
  ReadonlyRootfs: z.boolean().nullish(),
  Mounts: z
    .array(
      z.looseObject({
        Type: z.enum(['bind', 'volume', 'tmpfs']),
        Source: z.string().nullish(),
        Target: z.string(),
        ReadOnly: z.boolean().nullish(),
        TmpfsOptions: z
          .looseObject({ SizeBytes: z.number().nullish(), Mode: z.number().nullish() })
          .nullish(),
        VolumeOptions: z.looseObject({ NoCopy: z.boolean().nullish() }).nullish(),
      }),
    )
    .nullish(),
  Tmpfs: z.record(z.string(), z.string()).nullish(),
  Init: z.boolean().nullish(),
  SecurityOpt: nullableStrings,
  Ulimits: z.array(z.looseObject({ Name: z.string(), Soft: z.number(), Hard: z.number() })).nullish(),
  ShmSize: positiveOrUnset,
  LogConfig: z
    .looseObject({ Type: z.string().nullish(), Config: z.record(z.string(), z.string()).nullish() })
    .nullish(),
  UsernsMode: z.string().nullish(),
  Annotations: z.record(z.string(), z.string()).nullish(),
  NetworkMode: z.string().nullish(),
  PortBindings: PortBindings.nullish(),
  PublishAllPorts: z.boolean().nullish(),
  Dns: nullableStrings,
  DnsSearch: nullableStrings,
  DnsOptions: nullableStrings,
  ExtraHosts: nullableStrings,
});

export const ContainerCreateBody = z.looseObject({
  Image: z.string({ error: 'Image is required' }),
  Cmd: z.union([z.array(z.string()), z.string()]).nullish(),
  Entrypoint: z.union([z.array(z.string()), z.string()]).nullish(),
  Env: nullableStrings,
  WorkingDir: z.string().nullish(),
  User: z.string().nullish(),
  Hostname: z.string().nullish(),
  Domainname: z.string().nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
  Tty: z.boolean().nullish(),
  OpenStdin: z.boolean().nullish(),
  StdinOnce: z.boolean().nullish(),
  StopSignal: z.string().nullish(),
  StopTimeout: z.number().int().nullish(),
  ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
  HostConfig: HostConfig.nullish(),
  NetworkingConfig: NetworkingConfig.nullish(),
});
export type ContainerCreateBody = z.infer<typeof ContainerCreateBody>;

const asArray = (v: string[] | string | null | undefined): string[] | undefined =>
  v === null || v === undefined ? undefined : typeof v === 'string' ? [v] : v;
const orUndefined = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** `-v src:dst[:ro|rw]`: an absolute source is a bind mount, a name is a volume. */
export function parseBind(bind: string): Mount {
  const parts = bind.split(':');
  if (parts.length < 2 || parts.length > 3)
    throw new EngineError('invalid', `invalid volume specification: '${bind}'`);
  const [source = '', target = '', mode = 'rw'] = parts;
  const options = mode.split(',');
  if (
    !options.every((o) =>
      ['ro', 'rw', 'z', 'Z', 'nocopy', 'private', 'rprivate', 'shared', 'slave'].includes(o),
    )
  ) {
    throw new EngineError('invalid', `invalid mode: ${mode}`);
  }
  const readOnly = options.includes('ro');
  if (!target.startsWith('/'))
    throw new EngineError('invalid', `invalid volume specification: '${bind}': mount path must be absolute`);
  if (source.startsWith('/')) return { type: 'bind', source, target, readOnly };
  return { type: 'volume', source, target, readOnly, noCopy: options.includes('nocopy') };
}

/** `--tmpfs /run:size=64m,mode=1777` as the CLI sends it in HostConfig.Tmpfs */
function parseTmpfs(target: string, options: string): Mount {
  let sizeBytes: number | undefined;
  let mode: number | undefined;
  let readOnly = false;
  for (const option of options.split(',').filter(Boolean)) {
    const [key, value = ''] = option.split('=', 2);
    if (key === 'size') sizeBytes = parseByteSize(value);
    else if (key === 'mode') mode = Number.parseInt(value, 8);
    else if (key === 'ro') readOnly = true;
  }
  return { type: 'tmpfs', target, sizeBytes, mode, readOnly };
}

function restartPolicyName(name: string): 'no' | 'on-failure' | 'always' | 'unless-stopped' {
  if (name === '' || name === 'no') return 'no';
  if (name === 'on-failure' || name === 'always' || name === 'unless-stopped') return name;
  throw new EngineError('invalid', `invalid restart policy '${name}'`);
}

/** Translates Docker's create body into the engine's spec; the engine's schema validates the rest. */
/** Docker accepts "" and "host" (and "private", the default spelled out) */
function usernsMode(mode: string | null | undefined): '' | 'host' {
  if (!mode || mode === 'private') return '';
  if (mode === 'host') return 'host';
  throw new EngineError('invalid', `invalid USER mode: ${mode}`);
}

export function toContainerSpec(body: ContainerCreateBody, name: string | undefined): ContainerSpecInput {
  const hc = body.HostConfig ?? HostConfig.parse({});
  let cpuPeriodUs = hc.CpuPeriod;
  let cpuQuotaUs = hc.CpuQuota;
  if (hc.NanoCpus) {
    if (cpuQuotaUs || cpuPeriodUs)
      throw new EngineError(
        'invalid',
        'conflicting options: Nano CPUs and CPU Period/Quota cannot both be set',
      );
    cpuPeriodUs = 100_000;
    cpuQuotaUs = Math.round((hc.NanoCpus / 1e9) * cpuPeriodUs);
  }
  const mounts: Mount[] = [
    ...(hc.Binds ?? []).map(parseBind),
    ...(hc.Mounts ?? []).map((m): Mount => {
      if (m.Type === 'tmpfs') {
        return {
          type: 'tmpfs',
          target: m.Target,
          sizeBytes: orUndefined(m.TmpfsOptions?.SizeBytes) || undefined,
          mode: orUndefined(m.TmpfsOptions?.Mode) || undefined,
          readOnly: m.ReadOnly ?? false,
        };
      }
      if (m.Type === 'bind')
        return { type: 'bind', source: m.Source ?? '', target: m.Target, readOnly: m.ReadOnly ?? false };
      return {
        type: 'volume',
        source: m.Source ?? '',
        target: m.Target,
        readOnly: m.ReadOnly ?? false,
        noCopy: m.VolumeOptions?.NoCopy ?? false,
      };
    }),
    ...Object.entries(hc.Tmpfs ?? {}).map(([target, options]) => parseTmpfs(target, options)),
  ];
  const logConfig = hc.LogConfig?.Config ?? {};
  if (hc.LogConfig?.Type && hc.LogConfig.Type !== 'json-file') {
    throw new EngineError(
      'invalid',
      `logging driver ${hc.LogConfig.Type} is not supported: Berth writes json-file logs`,
    );
  }
  return {
    name,
    image: body.Image,
    cmd: asArray(body.Cmd),
    entrypoint: asArray(body.Entrypoint),
    env: body.Env ?? [],
    workingDir: orUndefined(body.WorkingDir) || undefined,
    user: orUndefined(body.User) || undefined,
    hostname: orUndefined(body.Hostname) || undefined,
    domainname: orUndefined(body.Domainname) || undefined,
    labels: body.Labels ?? {},
    tty: body.Tty ?? false,
    openStdin: body.OpenStdin ?? false,
    stdinOnce: body.StdinOnce ?? false,
    stopSignal: orUndefined(body.StopSignal) || undefined,
    stopTimeout: orUndefined(body.StopTimeout),
    network: toNetworkSpec({
      mode: hc.NetworkMode,
      portBindings: hc.PortBindings,
      publishAll: hc.PublishAllPorts,
      exposedPorts: body.ExposedPorts,
      endpoints: body.NetworkingConfig?.EndpointsConfig,
      dns: hc.Dns,
      dnsSearch: hc.DnsSearch,
      dnsOptions: hc.DnsOptions,
      extraHosts: hc.ExtraHosts,
    }),
    host: {
      resources: {
        memoryBytes: hc.Memory,
        memorySwapBytes: hc.MemorySwap ? hc.MemorySwap : undefined,
        memoryReservationBytes: hc.MemoryReservation,
        cpuPeriodUs,
        cpuQuotaUs,
        cpuShares: hc.CpuShares,
        cpusetCpus: orUndefined(hc.CpusetCpus) || undefined,
        cpusetMems: orUndefined(hc.CpusetMems) || undefined,
        pidsLimit: hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : undefined,
        blkioWeight: hc.BlkioWeight,
      },
      restartPolicy: {
        name: restartPolicyName(hc.RestartPolicy?.Name ?? ''),
        maximumRetryCount: hc.RestartPolicy?.MaximumRetryCount ?? 0,
      },
      autoRemove: hc.AutoRemove ?? false,
      privileged: hc.Privileged ?? false,
      capAdd: hc.CapAdd ?? [],
      capDrop: hc.CapDrop ?? [],
      readonlyRootfs: hc.ReadonlyRootfs ?? false,
      mounts,
      init: hc.Init ?? false,
      noNewPrivileges: (hc.SecurityOpt ?? []).some((o) => /^no-new-privileges(:true|=true)?$/.test(o)),
      seccomp: (hc.SecurityOpt ?? []).some((o) => /^seccomp[=:]unconfined$/.test(o))
        ? 'unconfined'
        : 'default',
      ulimits: (hc.Ulimits ?? []).map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
      shmSizeBytes: hc.ShmSize,
      logConfig: {
        type: 'json-file',
        maxSizeBytes: logConfig['max-size'] ? parseByteSize(logConfig['max-size']) : undefined,
        maxFiles: logConfig['max-file'] ? Number.parseInt(logConfig['max-file'], 10) : 1,
      },
      usernsMode: usernsMode(hc.UsernsMode),
      timeOffsets: timeOffsetsFromAnnotations(hc.Annotations),
    },
  };
}

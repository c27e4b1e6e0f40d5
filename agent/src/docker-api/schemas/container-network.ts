import { z } from 'zod';
import { EngineError } from '../../engine/errors.ts';
import type { ContainerNetworkSpec, PortBinding } from '../../engine/network/spec.ts';

/** The networking parts of Docker's container create body, and their translation. */

export const PortBindings = z.record(
  z.string(),
  z.array(z.looseObject({ HostIp: z.string().nullish(), HostPort: z.string().nullish() })).nullish(),
);

export const EndpointSettings = z.looseObject({
  Aliases: z.array(z.string()).nullish(),
  IPAMConfig: z.looseObject({ IPv4Address: z.string().nullish() }).nullish(),
});

export const NetworkingConfig = z.looseObject({
  EndpointsConfig: z.record(z.string(), EndpointSettings.nullish()).nullish(),
});

function parsePortKey(key: string): { containerPort: number; protocol: 'tcp' | 'udp' } {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(key);
  const port = Number(m?.[1]);
  if (!m || port < 1 || port > 65535)
    throw new EngineError('invalid', `invalid port specification: "${key}"`);
  if (m[2] === 'sctp') throw new EngineError('invalid', `sctp ports are not supported: "${key}"`);
  return { containerPort: port, protocol: (m[2] ?? 'tcp') as 'tcp' | 'udp' };
}

function parseHostPort(text: string, key: string): { hostPort: number; hostPortEnd?: number } {
  if (text === '') return { hostPort: 0 };
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const start = Number(m?.[1]);
  const end = m?.[2] === undefined ? undefined : Number(m[2]);
  if (!m || start > 65535 || (end !== undefined && (end > 65535 || end < start)))
    throw new EngineError('invalid', `invalid host port "${text}" for ${key}`);
  return { hostPort: start, hostPortEnd: end };
}

export function toPortBindings(bindings: z.infer<typeof PortBindings> | null | undefined): PortBinding[] {
  const out: PortBinding[] = [];
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { containerPort, protocol } = parsePortKey(key);
    for (const b of list ?? []) {
      out.push({ containerPort, protocol, hostIp: b.HostIp ?? '', ...parseHostPort(b.HostPort ?? '', key) });
    }
  }
  return out;
}

export function toNetworkSpec(input: {
  mode: string | null | undefined;
  portBindings: z.infer<typeof PortBindings> | null | undefined;
  publishAll: boolean | null | undefined;
  exposedPorts: Record<string, unknown> | null | undefined;
  endpoints: z.infer<typeof NetworkingConfig>['EndpointsConfig'];
  dns: string[] | null | undefined;
  dnsSearch: string[] | null | undefined;
  dnsOptions: string[] | null | undefined;
  extraHosts: string[] | null | undefined;
}): z.input<typeof ContainerNetworkSpec> {
  const exposed = Object.keys(input.exposedPorts ?? {});
  for (const key of exposed) parsePortKey(key);
  return {
    mode: !input.mode || input.mode === 'default' ? 'bridge' : input.mode,
    ports: toPortBindings(input.portBindings),
    publishAll: input.publishAll ?? false,
    exposedPorts: exposed,
    endpoints: Object.fromEntries(
      Object.entries(input.endpoints ?? {}).map(([name, e]) => [
        name === 'default' ? 'bridge' : name,
        { aliases: e?.Aliases ?? [], ipv4Address: e?.IPAMConfig?.IPv4Address || undefined },
      ]),
    ),
    dns: input.dns ?? [],
    dnsSearch: input.dnsSearch ?? [],
    dnsOptions: input.dnsOptions ?? [],
    extraHosts: input.extraHosts ?? [],
  };
}

import { z } from 'zod';

/** What a container asks of the network, in the engine's terms (part of ContainerSpec). */

export const PortBinding = z
  .object({
    containerPort: z.number().int().min(1).max(65535),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    /** empty: every host address */
    hostIp: z
      .string()
      .regex(/^$|^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address: Berth publishes ports on IPv4 only')
      .default(''),
    /** 0: a free port picked by the engine; with hostPortEnd: the first free one in the range */
    hostPort: z.number().int().min(0).max(65535).default(0),
    hostPortEnd: z.number().int().min(0).max(65535).optional(),
  })
  .refine((p) => p.hostPortEnd === undefined || p.hostPortEnd >= p.hostPort, 'host port range is reversed');
export type PortBinding = z.infer<typeof PortBinding>;

export const EndpointRequest = z.object({
  aliases: z.array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/)).default([]),
  ipv4Address: z.string().optional(),
});
export type EndpointRequest = z.infer<typeof EndpointRequest>;

export const ContainerNetworkSpec = z.object({
  /** bridge (the default network), host, none, container:<ref>, or a network's name or id */
  mode: z.string().min(1).default('bridge'),
  /** per network (name or id, as given): aliases and a fixed address */
  endpoints: z.record(z.string(), EndpointRequest).default({}),
  ports: z.array(PortBinding).default([]),
  /** -P: every exposed port to a free host port */
  publishAll: z.boolean().default(false),
  /** "80/tcp" and the like, besides the image's EXPOSE */
  exposedPorts: z.array(z.string().regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/)).default([]),
  dns: z.array(z.string()).default([]),
  dnsSearch: z.array(z.string()).default([]),
  dnsOptions: z.array(z.string()).default([]),
  /** host:ip lines for /etc/hosts */
  extraHosts: z.array(z.string().regex(/^[^:\s]+:[0-9a-fA-F.:]+$/, 'must be host:ip')).default([]),
});
export type ContainerNetworkSpec = z.infer<typeof ContainerNetworkSpec>;

export const DEFAULT_NETWORK_SPEC: ContainerNetworkSpec = ContainerNetworkSpec.parse({});

export type NetworkMode =
  | { kind: 'host' }
  | { kind: 'none' }
  | { kind: 'container'; ref: string }
  | { kind: 'network'; ref: string };

export function networkMode(mode: string): NetworkMode {
  if (mode === 'host' || mode === 'none') return { kind: mode };
  if (mode.startsWith('container:')) return { kind: 'container', ref: mode.slice('container:'.length) };
  return { kind: 'network', ref: mode === 'default' ? 'bridge' : mode };
}

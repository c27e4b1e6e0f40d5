import { z } from 'zod';

export const PublishedPort = z.object({
  protocol: z.enum(['tcp', 'udp']),
  hostIp: z.string(),
  hostPort: z.number().int(),
  containerPort: z.number().int(),
});
export type PublishedPort = z.infer<typeof PublishedPort>;

/** One container's place on a network: its lease, names and interface. Kept in the network's record. */
export const Endpoint = z.object({
  containerId: z.string(),
  containerName: z.string(),
  /** an --ip the user asked for: kept across restarts */
  requestedIp: z.string().optional(),
  aliases: z.array(z.string()).default([]),
  /** the order it was connected in: the first network carries the default route and published ports */
  order: z.number().int().default(0),
  /** host ports published to it while it runs */
  ports: z.array(PublishedPort).default([]),
  /** set while the container runs: its lease and interfaces */
  ip: z.string().optional(),
  mac: z.string().optional(),
  /** host end of the veth pair */
  hostIf: z.string().optional(),
  /** name inside the container (eth0, eth1…) */
  containerIf: z.string().optional(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const NetworkRecord = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string(),
  created: z.string(),
  /** the default network (`bridge`): no DNS by name, as with Docker */
  isDefault: z.boolean().default(false),
  bridge: z.string(),
  subnet: z.string(),
  gateway: z.string(),
  ipRange: z.string().optional(),
  internal: z.boolean().default(false),
  /** containers on this network may reach each other (com.docker.network.bridge.enable_icc) */
  icc: z.boolean().default(true),
  /** outbound NAT (com.docker.network.bridge.enable_ip_masquerade) */
  masquerade: z.boolean().default(true),
  mtu: z.number().int().min(68).max(65535).default(1500),
  labels: z.record(z.string(), z.string()).default({}),
  options: z.record(z.string(), z.string()).default({}),
  endpoints: z.record(z.string(), Endpoint).default({}),
});
export type NetworkRecord = z.infer<typeof NetworkRecord>;

import { createHash } from 'node:crypto';
import type { ContainerRecord } from '../../engine/containers/record.ts';
import { networkMode } from '../../engine/network/spec.ts';

/**
 * `host` and `none` as the Docker API lists them beside `bridge`: not networks the engine
 * keeps (a container in one shares the host's namespace, or has only a loopback), but names
 * every Docker tool expects to see, inspect, and be refused to remove.
 */
export const PREDEFINED = [
  { name: 'host', driver: 'host' },
  { name: 'none', driver: 'null' },
] as const;
export type Predefined = (typeof PREDEFINED)[number];

export const predefinedId = (name: string) =>
  createHash('sha256').update(`berth/network/${name}`).digest('hex');

/** `host`, `none`, or an id (or its prefix of 12 and more) of either */
export function findPredefined(ref: string): Predefined | undefined {
  return PREDEFINED.find((p) => p.name === ref || (ref.length >= 12 && predefinedId(p.name).startsWith(ref)));
}

/** The mode a container was created with, when it is one of these. */
export function predefinedOf(record: ContainerRecord): Predefined | undefined {
  const mode = networkMode(record.spec.network.mode);
  return mode.kind === 'host' || mode.kind === 'none' ? findPredefined(mode.kind) : undefined;
}

export function predefinedInspect(p: Predefined, containers: ContainerRecord[] | undefined) {
  return {
    Name: p.name,
    Id: predefinedId(p.name),
    Created: '0001-01-01T00:00:00Z',
    Scope: 'local',
    Driver: p.driver,
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: null },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: Object.fromEntries(
      (containers ?? [])
        .filter((c) => predefinedOf(c) === p && c.state.status === 'running')
        .map((c) => [
          c.id,
          { Name: c.name, EndpointID: endpointOf(p, c.id), MacAddress: '', IPv4Address: '', IPv6Address: '' },
        ]),
    ),
    Options: {},
    Labels: {},
  };
}

const endpointOf = (p: Predefined, containerId: string) =>
  createHash('sha256')
    .update(`${predefinedId(p.name)}/${containerId}`)
    .digest('hex');

/** NetworkSettings.Networks of a container in `host` or `none` mode: the network, no address. */
export function predefinedEndpoint(p: Predefined, record: ContainerRecord) {
  const live = record.state.pid > 0;
  return {
    IPAMConfig: null,
    Links: null,
    Aliases: null,
    MacAddress: '',
    DriverOpts: null,
    NetworkID: predefinedId(p.name),
    EndpointID: live ? endpointOf(p, record.id) : '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

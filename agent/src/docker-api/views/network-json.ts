import { createHash } from 'node:crypto';
import type { ContainerRecord } from '../../engine/containers/record.ts';
import { parseCidr } from '../../engine/network/ipv4.ts';
import type { Endpoint, NetworkRecord } from '../../engine/network/record.ts';
import { predefinedEndpoint, predefinedOf } from './predefined-networks.ts';

/** Networks and containers' network settings in the Docker Engine API's shapes. */

export type Joined = { network: NetworkRecord; endpoint: Endpoint }[];

const endpointId = (network: NetworkRecord, e: Endpoint) =>
  createHash('sha256').update(`${network.id}/${e.containerId}`).digest('hex');

/** Docker calls the default network `bridge` in every API answer. */
export function endpointSettings(network: NetworkRecord, e: Endpoint, hostname: string) {
  const live = e.ip !== undefined;
  return {
    IPAMConfig: e.requestedIp ? { IPv4Address: e.requestedIp } : null,
    Links: null,
    Aliases: e.aliases.length > 0 ? e.aliases : null,
    MacAddress: e.mac ?? '',
    DriverOpts: null,
    NetworkID: network.id,
    EndpointID: live ? endpointId(network, e) : '',
    Gateway: live ? network.gateway : '',
    IPAddress: e.ip ?? '',
    IPPrefixLen: live ? parseCidr(network.subnet).prefix : 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: network.isDefault ? null : [e.containerName, ...e.aliases, hostname],
  };
}

/** "80/tcp" → bindings, or null for a port exposed but not published: NetworkSettings.Ports. */
export function portMap(
  record: ContainerRecord,
  joined: Joined,
): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const p of record.exposedPorts ?? []) out[p.includes('/') ? p : `${p}/tcp`] = null;
  for (const { endpoint } of joined) {
    for (const p of endpoint.ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      out[key] = [...(out[key] ?? []), { HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) }];
    }
  }
  return out;
}

/** The Ports column of GET /containers/json. */
export function portList(record: ContainerRecord, joined: Joined) {
  return Object.entries(portMap(record, joined)).flatMap(([key, bindings]) => {
    const [port = '0', type = 'tcp'] = key.split('/');
    const PrivatePort = Number(port);
    if (!bindings) return [{ PrivatePort, Type: type }];
    return bindings.map((b) => ({ IP: b.HostIp, PrivatePort, PublicPort: Number(b.HostPort), Type: type }));
  });
}

/** NetworkSettings of `docker inspect`: the primary network's address at the top, every network below. */
export function networkSettings(record: ContainerRecord, joined: Joined) {
  const primary = joined[0];
  const predefined = predefinedOf(record);
  const top = primary ? endpointSettings(primary.network, primary.endpoint, record.hostname) : undefined;
  const sandbox = record.state.pid > 0 ? `/proc/${record.state.pid}/ns/net` : '';
  return {
    Bridge: '',
    SandboxID: record.state.pid > 0 ? createHash('sha256').update(record.id).digest('hex') : '',
    SandboxKey: sandbox,
    Ports: portMap(record, joined),
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: primary?.network.isDefault ? (top?.EndpointID ?? '') : '',
    Gateway: primary?.network.isDefault ? (top?.Gateway ?? '') : '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: primary?.network.isDefault ? (top?.IPAddress ?? '') : '',
    IPPrefixLen: primary?.network.isDefault ? (top?.IPPrefixLen ?? 0) : 0,
    IPv6Gateway: '',
    MacAddress: primary?.network.isDefault ? (top?.MacAddress ?? '') : '',
    Networks: Object.fromEntries([
      ...joined.map(({ network, endpoint }) => [
        network.name,
        endpointSettings(network, endpoint, record.hostname),
      ]),
      ...(predefined ? [[predefined.name, predefinedEndpoint(predefined, record)]] : []),
    ]),
  };
}

/** GET /networks/{id} and the items of GET /networks. */
export function networkInspect(network: NetworkRecord, withContainers: boolean) {
  const options: Record<string, string> = network.isDefault
    ? {
        'com.docker.network.bridge.default_bridge': 'true',
        'com.docker.network.bridge.enable_icc': String(network.icc),
        'com.docker.network.bridge.enable_ip_masquerade': String(network.masquerade),
        'com.docker.network.bridge.name': network.bridge,
        'com.docker.network.driver.mtu': String(network.mtu),
      }
    : network.options;
  return {
    Name: network.name,
    Id: network.id,
    Created: network.created,
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: {
      Driver: 'default',
      Options: null,
      Config: [
        {
          Subnet: network.subnet,
          Gateway: network.gateway,
          ...(network.ipRange ? { IPRange: network.ipRange } : {}),
        },
      ],
    },
    Internal: network.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: withContainers
      ? Object.fromEntries(
          Object.values(network.endpoints)
            .filter((e) => e.ip)
            .map((e) => [
              e.containerId,
              {
                Name: e.containerName,
                EndpointID: endpointId(network, e),
                MacAddress: e.mac ?? '',
                IPv4Address: `${e.ip}/${parseCidr(network.subnet).prefix}`,
                IPv6Address: '',
              },
            ]),
        )
      : {},
    Options: options,
    Labels: network.labels,
  };
}

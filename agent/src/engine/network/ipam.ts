import { EngineError } from '../errors.ts';
import { type Cidr, contains, formatIp, parseIp, size } from './ipv4.ts';

/**
 * Picks a free address in a network: within ipRange when given, never the
 * network address, the broadcast address or the gateway, never one in
 * `taken`. Leases live in the network's record, so an agent restart sees
 * them as taken.
 */
export function allocateAddress(subnet: Cidr, gateway: number, range: Cidr, taken: Set<number>): number {
  const last = subnet.base + size(subnet) - 1;
  for (let ip = range.base; ip < range.base + size(range); ip++) {
    if (ip === subnet.base || ip === last || ip === gateway || taken.has(ip)) continue;
    return ip;
  }
  throw new EngineError('conflict', `no available IPv4 addresses on this network's address pools`);
}

/** A requested address (`--ip`): inside the subnet, not special, not leased. */
export function claimAddress(subnet: Cidr, gateway: number, requested: string, taken: Set<number>): number {
  const ip = parseIp(requested);
  if (!contains(subnet, ip))
    throw new EngineError('invalid', `address ${requested} is outside the network's subnet`);
  if (ip === subnet.base || ip === subnet.base + size(subnet) - 1 || ip === gateway)
    throw new EngineError('invalid', `address ${requested} is reserved in this network`);
  if (taken.has(ip)) throw new EngineError('conflict', `address ${formatIp(ip)} is already in use`);
  return ip;
}

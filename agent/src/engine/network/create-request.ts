import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { type Cidr, contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, size } from './ipv4.ts';

/** `docker network create`, in the engine's terms. */
export const NetworkCreate = z.object({
  name: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed')
    .max(128),
  driver: z.string().default('bridge'),
  subnet: z.string().optional(),
  gateway: z.string().optional(),
  ipRange: z.string().optional(),
  internal: z.boolean().default(false),
  labels: z.record(z.string(), z.string()).default({}),
  options: z.record(z.string(), z.string()).default({}),
});
export type NetworkCreateInput = z.input<typeof NetworkCreate>;

export const RESERVED_NETWORK_NAMES = new Set(['bridge', 'host', 'none', 'default']);

const OPT_MTU = 'com.docker.network.driver.mtu';
const OPT_ICC = 'com.docker.network.bridge.enable_icc';
const OPT_MASQ = 'com.docker.network.bridge.enable_ip_masquerade';

function boolOption(options: Record<string, string>, key: string): boolean {
  const v = options[key];
  if (v === undefined) return true;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new EngineError('invalid', `option ${key} must be true or false, not ${JSON.stringify(v)}`);
}

export interface AddressPlan {
  subnet: string;
  gateway: string;
  ipRange?: string;
  mtu: number;
  icc: boolean;
  masquerade: boolean;
}

/**
 * Checks a create request's addressing against the networks there are and
 * the host's routes, and fills in what was left out: a free /24 of the pool,
 * the first address as gateway, MTU 1500.
 */
export function planAddresses(req: z.infer<typeof NetworkCreate>, inUse: Cidr[], pool: Cidr): AddressPlan {
  if (req.driver !== 'bridge')
    throw new EngineError(
      'invalid',
      `network driver ${JSON.stringify(req.driver)} is not supported: Berth has bridge networks`,
    );
  const mtuText = req.options[OPT_MTU];
  const mtu = mtuText === undefined ? 1500 : Number(mtuText);
  if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
    throw new EngineError('invalid', `invalid MTU ${JSON.stringify(mtuText)}: must be 68 to 65535`);
  let subnet: Cidr;
  if (req.subnet) {
    subnet = parseCidr(req.subnet);
    if (subnet.prefix > 30)
      throw new EngineError('invalid', `subnet ${req.subnet} is too small (at most /30)`);
    const clash = inUse.find((c) => overlaps(c, subnet));
    if (clash)
      throw new EngineError(
        'conflict',
        `invalid pool request: Pool overlaps with other one on this address space (${formatCidr(subnet)} overlaps ${formatCidr(clash)})`,
      );
  } else {
    if (req.gateway || req.ipRange)
      throw new EngineError('invalid', 'a gateway or ip-range needs a subnet (--subnet)');
    const found = freeSlash24(pool, inUse);
    if (!found) throw new EngineError('conflict', `no free /24 left in the address pool ${formatCidr(pool)}`);
    subnet = found;
  }
  const gateway = req.gateway ? parseIp(req.gateway) : subnet.base + 1;
  if (!contains(subnet, gateway) || gateway === subnet.base || gateway === subnet.base + size(subnet) - 1)
    throw new EngineError(
      'invalid',
      `gateway ${req.gateway} is not a host address of subnet ${formatCidr(subnet)}`,
    );
  let ipRange: string | undefined;
  if (req.ipRange) {
    const range = parseCidr(req.ipRange);
    if (range.base < subnet.base || range.base + size(range) > subnet.base + size(subnet))
      throw new EngineError('invalid', `ip-range ${req.ipRange} is not inside subnet ${formatCidr(subnet)}`);
    ipRange = formatCidr(range);
  }
  return {
    subnet: formatCidr(subnet),
    gateway: formatIp(gateway),
    ipRange,
    mtu,
    icc: boolOption(req.options, OPT_ICC),
    masquerade: boolOption(req.options, OPT_MASQ),
  };
}

function freeSlash24(pool: Cidr, inUse: Cidr[]): Cidr | undefined {
  for (let base = pool.base; base < pool.base + size(pool); base += 256) {
    const c = { base, prefix: 24 };
    if (!inUse.some((u) => overlaps(u, c))) return c;
  }
  return undefined;
}

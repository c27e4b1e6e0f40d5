import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Host-wide choices of the network module. The defaults are the production
 * ones; tests give every agent its own names and subnets so that agents never
 * meet each other or the host's own `berth0`.
 */
export const NetworkOptions = z.object({
  /** the default network's bridge */
  defaultBridge: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,15}$/)
    .default('berth0'),
  /**
   * the default network's subnet. 10.213.0.0/16 sits away from Docker's
   * 172.17+/16, the 192.168.x home ranges, AWS's 172.31/16, Podman's
   * 10.88/16 and Kubernetes' 10.96/12 and 10.244/16.
   */
  defaultSubnet: z.string().default('10.213.0.0/16'),
  /** where user networks without --subnet get a /24 */
  addressPool: z.string().default('10.214.0.0/16'),
  /** Berth's own nftables table (family ip) */
  nftTable: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,64}$/)
    .default('berth'),
  /** the start of every other interface name Berth makes (user bridges, veth host ends) */
  ifPrefix: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9]{0,9}$/)
    .default('berth'),
});
export type NetworkOptions = z.infer<typeof NetworkOptions>;
export type NetworkOptionsInput = z.input<typeof NetworkOptions>;

/** An interface name of at most 15 characters (IFNAMSIZ), unique for `key`. */
export function ifName(prefix: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex');
  return `${prefix}${hash}`.slice(0, 15);
}

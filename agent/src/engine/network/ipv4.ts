import { EngineError } from '../errors.ts';

/** IPv4 addresses as unsigned 32-bit numbers, and CIDR blocks over them. */

export function parseIp(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    throw new EngineError('invalid', `invalid IPv4 address: ${JSON.stringify(text)}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export interface Cidr {
  /** the network address (host bits cleared) */
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr {
  const [ip = '', bits = '', extra] = text.split('/');
  const prefix = Number(bits);
  if (extra !== undefined || !/^\d{1,2}$/.test(bits) || prefix > 32)
    throw new EngineError('invalid', `invalid subnet: ${JSON.stringify(text)} (expected a.b.c.d/n)`);
  const addr = parseIp(ip);
  const base = prefix === 0 ? 0 : (addr & (~0 << (32 - prefix))) >>> 0;
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + size(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/**
 * A MAC derived from the address, as Docker derives 02:42:ac:11:00:02 from
 * 172.17.0.2: locally administered, unique wherever the address is.
 */
export function macFor(ip: number): string {
  return ['02', 'b7', ...[24, 16, 8, 0].map((s) => ((ip >>> s) & 255).toString(16).padStart(2, '0'))].join(
    ':',
  );
}

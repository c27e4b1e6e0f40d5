import { randomBytes, randomInt } from 'node:crypto';
import type { NetworkOptions } from './options.ts';

/**
 * Network options for one test agent or engine: its own `berthtest…` bridge,
 * table and interface names and a random /20 of 10.240.0.0/12, so parallel
 * test files never meet each other or the host's own berth0.
 */
export function testNetworkOptions(): NetworkOptions {
  const tag = randomBytes(3).toString('hex');
  const block = randomInt(0, 256);
  const second = 240 + (block >> 4);
  const third = (block & 15) << 4;
  return {
    defaultBridge: `berthtest${tag}`,
    defaultSubnet: `10.${second}.${third}.0/24`,
    addressPool: `10.${second}.${third}.0/20`,
    nftTable: `berthtest_${tag}`,
    ifPrefix: 'berthtest',
  };
}

/**
 * For tests only: test hosts on one machine (architecture rule 6). A `berthtest…` bridge with
 * the control plane's address, and per host a network namespace joined to it by a veth pair.
 * Everything is named with the berthtest prefix and removed by `remove()`, also after a failure.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface TestNetwork {
  /** the address on the bridge the control plane listens on */
  bridgeAddress: string;
  /** creates the namespace of test host n (1-based) and returns its name */
  addHost(n: number): string;
  remove(): void;
}

export function createTestNetwork(): TestNetwork {
  const tag = randomBytes(2).toString('hex');
  const octet = 100 + (randomBytes(1)[0]! % 100);
  const bridge = `berthtest${tag}br`;
  const subnet = `10.250.${octet}`;
  const namespaces: string[] = [];
  const veths: string[] = [];
  const remove = () => {
    for (const ns of namespaces) {
      try {
        ip('netns', 'del', ns);
      } catch {}
    }
    for (const v of [...veths, bridge]) {
      try {
        ip('link', 'del', v);
      } catch {}
    }
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
  } catch (err) {
    remove();
    throw err;
  }
  return {
    bridgeAddress: `${subnet}.1`,
    addHost(n) {
      const ns = `berthtest-${tag}-${n}`;
      const outside = `berthtest${tag}h${n}`;
      const inside = `berthtest${tag}c${n}`;
      namespaces.push(ns);
      veths.push(outside);
      ip('netns', 'add', ns);
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', outside, 'master', bridge, 'up');
      ip('link', 'set', inside, 'netns', ns);
      ip('-n', ns, 'addr', 'add', `${subnet}.${n + 1}/24`, 'dev', inside);
      ip('-n', ns, 'link', 'set', inside, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      return ns;
    },
    remove,
  };
}

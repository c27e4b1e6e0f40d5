import { runTool } from './tool.ts';

/**
 * Berth's firewall: one nftables table of its own (`ip <table>`, and
 * `bridge <table>` while a network refuses inter-container traffic), rendered
 * whole from the networks and published ports and swapped in by one
 * `nft -f -` transaction. Other tables are never read or touched; a
 * re-render is idempotent, so reconciling at start leaves no duplicates and
 * no leftovers.
 */

export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
  icc: boolean;
  masquerade: boolean;
  /** the host ends of its containers' veth pairs: the bridge's ports */
  ports: string[];
}

export interface PortRule {
  protocol: 'tcp' | 'udp';
  /** empty: every host address */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

const q = (s: string) => JSON.stringify(s);

export function renderRuleset(table: string, networks: FirewallNetwork[], ports: PortRule[]): string {
  const bridges = networks.map((n) => q(n.bridge));
  const bridgeSet = bridges.length > 0 ? `{ ${bridges.join(', ')} }` : undefined;
  const publish = ports.map(
    (p) =>
      `    ${p.hostIp && p.hostIp !== '0.0.0.0' ? `ip daddr ${p.hostIp} ` : ''}${p.protocol} dport ${p.hostPort} dnat to ${p.containerIp}:${p.containerPort}`,
  );
  const postrouting: string[] = [];
  const forward: string[] = [];
  for (const n of networks) {
    if (n.masquerade && !n.internal)
      postrouting.push(`    ip saddr ${n.subnet} oifname != ${q(n.bridge)} masquerade`);
    // a published port reached on 127.0.0.1: the container must answer the bridge, not its own loopback
    postrouting.push(`    oifname ${q(n.bridge)} ip saddr 127.0.0.0/8 masquerade`);
    // hairpin: a container reaching a published port of its own bridge must see the answer come back through the host
    postrouting.push(`    iifname ${q(n.bridge)} oifname ${q(n.bridge)} ct status dnat masquerade`);
    // only seen here when br_netfilter is loaded; the bridge table below refuses it at layer 2 otherwise
    forward.push(`    iifname ${q(n.bridge)} oifname ${q(n.bridge)} ${n.icc ? 'accept' : 'drop'}`);
    if (n.internal) forward.push(`    iifname ${q(n.bridge)} drop`, `    oifname ${q(n.bridge)} drop`);
  }
  if (bridgeSet) {
    forward.push(
      `    oifname ${bridgeSet} ct state established,related accept`,
      `    oifname ${bridgeSet} ct status dnat accept`,
      // anything else into a bridge (another network, another host) is refused: networks stay apart
      `    oifname ${bridgeSet} drop`,
    );
  }
  const noIcc = networks
    .filter((n) => !n.icc && n.ports.length > 0)
    .map((n) => {
      const ports = `{ ${n.ports.map(q).join(', ')} }`;
      return `    iifname ${ports} oifname ${ports} drop`;
    });
  return [
    `table ip ${table} {}`,
    `delete table ip ${table}`,
    `table bridge ${table} {}`,
    `delete table bridge ${table}`,
    // enable_icc=false: frames between two ports of one bridge never reach IP, so they are dropped here
    ...(noIcc.length > 0
      ? [
          `table bridge ${table} {`,
          '  chain forward {',
          '    type filter hook forward priority filter; policy accept;',
          ...noIcc,
          '  }',
          '}',
        ]
      : []),
    `table ip ${table} {`,
    '  chain publish {',
    ...publish,
    '  }',
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    '    fib daddr type local jump publish',
    '  }',
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    '    fib daddr type local jump publish',
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...postrouting,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    ...forward,
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function applyRuleset(ruleset: string): Promise<void> {
  await runTool('nft', ['-f', '-'], ruleset);
}

export async function deleteTable(table: string): Promise<void> {
  await runTool(
    'nft',
    ['-f', '-'],
    `table ip ${table} {}\ndelete table ip ${table}\ntable bridge ${table} {}\ndelete table bridge ${table}\n`,
  );
}

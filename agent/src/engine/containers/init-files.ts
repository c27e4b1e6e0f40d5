/**
 * The files Docker generates per container and places above the image
 * (the init layer): /etc/hostname, /etc/hosts and /etc/resolv.conf.
 */

export function hostnameFile(hostname: string): string {
  return `${hostname}\n`;
}

export function hostsFile(hostname: string, addresses: string[] = [], extraHosts: string[] = []): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    ...extraHosts.map((entry) => {
      const [name, ip] = entry.split(':', 2);
      return `${ip}\t${name}`;
    }),
    ...addresses.map((ip) => `${ip}\t${hostname}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The host's resolv.conf minus loopback nameservers, which would point into
 * the container's own network namespace and resolve nothing there. When none
 * are left the container gets public resolvers, as Docker does.
 */
export function resolvConfFile(
  hostResolvConf: string,
  overrideServers: string[] = [],
  extra: { search?: string[]; options?: string[] } = {},
): string {
  const kept: string[] = [];
  const servers: string[] = [];
  for (const line of hostResolvConf.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) {
      const ip = m[1]!;
      if (!/^127\./.test(ip) && ip !== '::1') servers.push(ip);
    } else if (/^\s*search\s/.test(line) && extra.search?.length) continue;
    else if (/^\s*options\s/.test(line) && extra.options?.length) continue;
    else if (line.trim() !== '') kept.push(line);
  }
  const chosen =
    overrideServers.length > 0 ? overrideServers : servers.length > 0 ? servers : ['8.8.8.8', '8.8.4.4'];
  if (extra.search?.length) kept.push(`search ${extra.search.join(' ')}`);
  if (extra.options?.length) kept.push(`options ${extra.options.join(' ')}`);
  return `${[...chosen.map((ip) => `nameserver ${ip}`), ...kept].join('\n')}\n`;
}

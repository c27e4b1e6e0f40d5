import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseUsernsRemap } from '../engine/containers/userns-remap.ts';
import { NetworkOptions } from '../engine/network/options.ts';
import { RegistryConfig } from '../engine/registry/index.ts';

/**
 * The agent's configuration: command-line flags win over environment
 * variables, and both are parsed once, here, with one zod schema. A bad value
 * stops start-up with a message naming the flag and what it expects.
 */
const AgentConfig = z.object({
  dataRoot: z.string().startsWith('/', 'must be an absolute path'),
  dockerSocket: z.string().startsWith('/', 'must be an absolute path'),
  controlPlane: z
    .url({ protocol: /^(wss?|https?)$/, error: 'must be an http(s):// or ws(s):// URL' })
    .optional(),
  joinToken: z.string().min(16, 'looks truncated (at least 16 characters)').optional(),
  name: z.string().min(1).max(253).optional(),
  cgroupParent: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a plain directory name ([a-zA-Z0-9_.-])'),
  insecureRegistries: RegistryConfig.shape.insecureRegistries,
  registryMirrors: RegistryConfig.shape.mirrors,
  registryCertsDir: z.string().startsWith('/', 'must be an absolute path'),
  /** dockerd's --userns-remap, resolved against /etc/subuid and /etc/subgid */
  usernsRemap: z
    .string()
    .min(1)
    .transform((value, ctx) => {
      try {
        return parseUsernsRemap(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  bridge: NetworkOptions.shape.defaultBridge,
  bridgeSubnet: NetworkOptions.shape.defaultSubnet,
  addressPool: NetworkOptions.shape.addressPool,
  nftTable: NetworkOptions.shape.nftTable,
  interfacePrefix: NetworkOptions.shape.ifPrefix,
});
export type AgentConfig = z.infer<typeof AgentConfig>;

const flagOf: Record<keyof AgentConfig, string> = {
  dataRoot: '--data-root (BERTH_AGENT_DATA_ROOT)',
  dockerSocket: '--docker-socket (BERTH_DOCKER_SOCKET)',
  controlPlane: '--control-plane (BERTH_CONTROL_PLANE)',
  joinToken: '--join-token (BERTH_JOIN_TOKEN)',
  name: '--name (BERTH_HOST_NAME)',
  cgroupParent: '--cgroup-parent (BERTH_CGROUP_PARENT)',
  insecureRegistries: '--insecure-registry (BERTH_INSECURE_REGISTRIES)',
  registryMirrors: '--registry-mirror (BERTH_REGISTRY_MIRRORS)',
  registryCertsDir: '--registry-certs-dir (BERTH_REGISTRY_CERTS_DIR)',
  usernsRemap: '--userns-remap (BERTH_USERNS_REMAP)',
  bridge: '--bridge (BERTH_BRIDGE)',
  bridgeSubnet: '--bridge-subnet (BERTH_BRIDGE_SUBNET)',
  addressPool: '--address-pool (BERTH_ADDRESS_POOL)',
  nftTable: '--nft-table (BERTH_NFT_TABLE)',
  interfacePrefix: '--interface-prefix (BERTH_INTERFACE_PREFIX)',
};

export const AGENT_USAGE = `usage: berth-agent [options]
  --data-root DIR        where images, containers and state live (default /var/lib/berth/agent)
  --docker-socket PATH   Docker Engine API socket (default /run/berth/docker.sock)
  --control-plane URL    control plane to join (optional: without it the agent runs standalone)
  --join-token TOKEN     one-time token to join the control plane (ignored once joined)
  --name NAME            host name shown in the control plane (default: the hostname)
  --cgroup-parent NAME   cgroup directory holding the containers' cgroups (default berth)
  --insecure-registry HOST[:PORT]
                         registry reachable over plain HTTP or unverified HTTPS; repeatable
                         (env: comma-separated; loopback registries always are)
  --registry-mirror URL  pull-through mirror tried before Docker Hub for docker.io images; repeatable
  --registry-certs-dir DIR
                         extra CAs per registry, DIR/<host[:port]>/*.crt (default DATA_ROOT/certs.d)
  --userns-remap VALUE   every container's root is a subordinate id, as dockerd's: default
                         (dockremap in /etc/subuid, /etc/subgid), USER[:GROUP], or HOSTID:SIZE
  --bridge NAME          the default network's bridge (default berth0)
  --bridge-subnet CIDR   the default network's subnet (default 10.213.0.0/16)
  --address-pool CIDR    where user networks get a /24 when no subnet is given (default 10.214.0.0/16)
  --nft-table NAME       Berth's nftables table, family ip (default berth)
  --interface-prefix P   start of the names of user bridges and veth pairs (default berth)`;

export class ConfigError extends Error {}

/** `--help`: not an error; the usage goes to stdout and the exit status is 0. */
export class HelpRequested extends Error {}

export function loadAgentConfig(argv: string[], env: NodeJS.ProcessEnv): AgentConfig {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'data-root': { type: 'string' },
        'docker-socket': { type: 'string' },
        'control-plane': { type: 'string' },
        'join-token': { type: 'string' },
        name: { type: 'string' },
        'cgroup-parent': { type: 'string' },
        'insecure-registry': { type: 'string', multiple: true },
        'registry-mirror': { type: 'string', multiple: true },
        'registry-certs-dir': { type: 'string' },
        'userns-remap': { type: 'string' },
        bridge: { type: 'string' },
        'bridge-subnet': { type: 'string' },
        'address-pool': { type: 'string' },
        'nft-table': { type: 'string' },
        'interface-prefix': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n${AGENT_USAGE}`);
  }
  if (values.help) throw new HelpRequested(AGENT_USAGE);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  /** a repeatable flag, else the variable's comma-separated list */
  const list = (flag: unknown, variable: string | undefined) =>
    Array.isArray(flag) && flag.length > 0
      ? flag
      : (variable ?? '')
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean);
  const dataRoot = str(values['data-root']) ?? str(env.BERTH_AGENT_DATA_ROOT) ?? '/var/lib/berth/agent';
  const result = AgentConfig.safeParse({
    dataRoot,
    dockerSocket: str(values['docker-socket']) ?? str(env.BERTH_DOCKER_SOCKET) ?? '/run/berth/docker.sock',
    controlPlane: str(values['control-plane']) ?? str(env.BERTH_CONTROL_PLANE),
    joinToken: str(values['join-token']) ?? str(env.BERTH_JOIN_TOKEN),
    name: str(values.name) ?? str(env.BERTH_HOST_NAME),
    cgroupParent: str(values['cgroup-parent']) ?? str(env.BERTH_CGROUP_PARENT) ?? 'berth',
    insecureRegistries: list(values['insecure-registry'], env.BERTH_INSECURE_REGISTRIES),
    registryMirrors: list(values['registry-mirror'], env.BERTH_REGISTRY_MIRRORS),
    registryCertsDir:
      str(values['registry-certs-dir']) ?? str(env.BERTH_REGISTRY_CERTS_DIR) ?? `${dataRoot}/certs.d`,
    usernsRemap: str(values['userns-remap']) ?? str(env.BERTH_USERNS_REMAP),
    bridge: str(values.bridge) ?? str(env.BERTH_BRIDGE),
    bridgeSubnet: str(values['bridge-subnet']) ?? str(env.BERTH_BRIDGE_SUBNET),
    addressPool: str(values['address-pool']) ?? str(env.BERTH_ADDRESS_POOL),
    nftTable: str(values['nft-table']) ?? str(env.BERTH_NFT_TABLE),
    interfacePrefix: str(values['interface-prefix']) ?? str(env.BERTH_INTERFACE_PREFIX),
  });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path[0] as keyof AgentConfig;
    throw new ConfigError(`invalid ${flagOf[key] ?? String(key)}: ${issue.message}`);
  }
  return result.data;
}

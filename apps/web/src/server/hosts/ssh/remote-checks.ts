/**
 * What a host needs before the agent can be installed on it, asked in one shell round trip:
 * Linux, root (directly or by passwordless sudo), Node 20+, tar, and the kernel features the
 * engine uses (overlayfs, cgroups, nftables).
 */
import { shellQuote } from './shell-quote.ts';
import { SshAddError } from './ssh-add-error.ts';
import type { SshConnection } from './ssh-connection.ts';

export interface RemoteFacts {
  kernel: string;
  arch: string;
  /** '' when logged in as root, otherwise the prefix that makes a command run as root. */
  sudo: string;
  node: string;
}

/** install-agent.sh's default data root; an agent there that has joined keeps its own credential. */
export const DEFAULT_DATA_ROOT = '/var/lib/berth/agent';

// `key=value` lines; each probe prints nothing rather than failing so one answer covers them all.
const probe = (credential: string) =>
  [
    'echo "os=$(uname -s)"',
    'echo "kernel=$(uname -r)"',
    'echo "arch=$(uname -m)"',
    'echo "uid=$(id -u)"',
    'echo "sudo=$(sudo -n true 2>/dev/null && echo yes)"',
    'echo "node=$(node -v 2>/dev/null)"',
    'echo "tar=$(command -v tar)"',
    'echo "overlay=$(grep -qw overlay /proc/filesystems && echo yes; [ -d /sys/module/overlay ] && echo yes)"',
    // the agent drives cgroup v1, v2 or both (hybrid): any mounted hierarchy will do
    'echo "cgroups=$(grep -qE \' - cgroup2? \' /proc/self/mountinfo && echo yes)"',
    // the nft command (ensure-installed.sh would install it) needs nf_tables in the kernel; either
    // a loaded module or a working nft (built-in, as in some VM kernels) shows it is there.
    'echo "nft=$([ -d /sys/module/nf_tables ] && echo yes; PATH=$PATH:/usr/sbin:/sbin command -v nft)"',
    // the data root is root's: a non-root user looks through sudo
    `echo "joined=$( { test -e ${credential} || sudo -n test -e ${credential}; } 2>/dev/null && echo yes)"`,
  ].join('; ');

/** `uname -m` names of Node's `process.arch` values. */
const UNAME_ARCH: Record<string, string> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  arm: 'armv7l',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

export interface CheckOptions {
  /** the architecture of the bundle's native npm binaries (esbuild runs the agent's TypeScript) */
  bundleArch?: string;
  /** where the agent will keep its data (install-agent.sh --data-root) */
  dataRoot?: string;
}

export async function checkRemote(ssh: SshConnection, options: CheckOptions = {}): Promise<RemoteFacts> {
  const bundleArch = options.bundleArch ?? process.arch;
  const dataRoot = options.dataRoot ?? DEFAULT_DATA_ROOT;
  const credential = `${dataRoot}/agent/credential.json`;
  const result = await ssh.exec(probe(shellQuote(credential)));
  const facts = new Map(
    result.stdout
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string?])
      .filter((pair): pair is [string, string] => pair[1] !== undefined)
      .map(([k, v]) => [k, v.trim()]),
  );
  const fact = (key: string) => facts.get(key) ?? '';
  // No answer at all: the account's shell runs no commands (nologin, a restricted shell, a menu).
  if (!facts.has('os'))
    throw new SshAddError('check-failed', 'the login shell did not run the check command', {
      outputTail: `${result.stdout}${result.stderr}`.trim().split('\n').slice(-20).join('\n'),
    });
  if (fact('os') !== 'Linux')
    throw new SshAddError('not-linux', `the host runs ${fact('os') || 'an unknown system'}, not Linux`);
  if (fact('arch') !== (UNAME_ARCH[bundleArch] ?? bundleArch))
    throw new SshAddError(
      'arch-mismatch',
      `the host is ${fact('arch')} but this control plane's agent bundle is for ${UNAME_ARCH[bundleArch] ?? bundleArch}: add it with a join token and a checkout on the host instead`,
    );
  const sudo = fact('uid') === '0' ? '' : fact('sudo') === 'yes' ? 'sudo -n ' : undefined;
  if (sudo === undefined)
    throw new SshAddError('no-root', 'the user is not root and cannot use sudo without a password');
  const node = fact('node');
  const major = Number(/^v(\d+)\./.exec(node)?.[1] ?? 0);
  if (major < 20)
    throw new SshAddError(
      'no-node',
      node
        ? `the host has Node ${node}; the agent needs Node 20 or newer`
        : 'Node.js is not installed on the host (the agent needs Node 20 or newer on the PATH)',
    );
  const missing = [
    fact('overlay') ? '' : 'overlayfs',
    fact('cgroups') ? '' : 'cgroups (no cgroup or cgroup2 hierarchy mounted)',
    fact('nft') ? '' : 'nftables (no nf_tables module, no nft command)',
    fact('tar') ? '' : 'tar',
  ].filter(Boolean);
  // Its agent would keep joining with that credential and never use a new join token.
  if (fact('joined'))
    throw new SshAddError(
      'already-installed',
      `an agent on this host has already joined a control plane (${credential}); remove it (or pick another data root) to add the host again`,
    );
  if (missing.length > 0)
    throw new SshAddError(
      'missing-kernel-feature',
      `the host lacks what the agent needs: ${missing.join(', ')}`,
    );
  return { kernel: fact('kernel'), arch: fact('arch'), sudo, node };
}

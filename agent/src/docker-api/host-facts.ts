import { readdirSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { nativeHelperPath } from '../native/helper-path.ts';

/** Facts about the host `docker info` reports that no engine module keeps. */

let osRelease: { pretty: string; version: string } | undefined;

/** `Debian GNU/Linux 12 (bookworm)`, as Docker reads it from os-release. */
export function hostOs(): { pretty: string; version: string } {
  if (osRelease) return osRelease;
  let text = '';
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      text = readFileSync(path, 'utf8');
      break;
    } catch {}
  }
  const field = (key: string) =>
    new RegExp(`^${key}=(.*)$`, 'm')
      .exec(text)?.[1]
      ?.replace(/^["']|["']$/g, '')
      .trim() ?? '';
  osRelease = { pretty: field('PRETTY_NAME') || 'Linux', version: field('VERSION_ID') };
  return osRelease;
}

/** statfs magic numbers → the names Docker's overlay2 driver prints as "Backing Filesystem". */
const FS_NAMES = new Map<number, string>([
  [0xef53, 'extfs'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
  [0x01021994, 'tmpfs'],
  [0x794c7630, 'overlayfs'],
  [0x2fc12fc1, 'zfs'],
  [0x6969, 'nfs'],
  [0xf2f52010, 'f2fs'],
]);

export async function backingFilesystem(path: string): Promise<string> {
  try {
    const { type } = await statfs(path);
    return FS_NAMES.get(type) ?? `unknown (0x${type.toString(16)})`;
  } catch {
    return 'unknown';
  }
}

/** Open file descriptors of the agent (Docker's NFd). */
export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

/** The runtime binary's path, or its bare name when it is not built (info still answers). */
export function runtimePath(): string {
  try {
    return nativeHelperPath();
  } catch {
    return 'berth-runtime';
  }
}

import { readFileSync } from 'node:fs';
import type { CgroupMountSource } from './plan.ts';

/**
 * The host's cgroup hierarchies under /sys/fs/cgroup, from a mountinfo text,
 * so a container's /sys/fs/cgroup mirrors the host's layout (v1, v2 or hybrid).
 */
export function parseCgroupMounts(mountinfo: string): CgroupMountSource[] {
  const out: CgroupMountSource[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4] ?? '';
    const [fstype, , superOptions = ''] = right.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    if (mountPoint !== '/sys/fs/cgroup' && !mountPoint.startsWith('/sys/fs/cgroup/')) continue;
    const dir = mountPoint.slice('/sys/fs/cgroup/'.length);
    if (fstype === 'cgroup2') {
      out.push({ fstype, dir: mountPoint === '/sys/fs/cgroup' ? '' : dir, data: '' });
      continue;
    }
    // the controllers (and name=) among the superblock options, in the kernel's order
    const data = superOptions
      .split(',')
      .filter((o) => o !== 'rw' && o !== 'ro' && !o.startsWith('release_agent=') && o !== 'clone_children')
      .join(',');
    out.push({ fstype, dir, data: data.includes('name=') ? `none,${data}` : data });
  }
  return out;
}

let cached: CgroupMountSource[] | undefined;
/** read once per agent: the layout does not change while it runs */
export function hostCgroupMounts(): CgroupMountSource[] {
  cached ??= parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
  return cached;
}

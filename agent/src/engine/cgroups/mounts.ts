import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One mounted cgroup hierarchy and where the agent itself sits in it. */
export interface Hierarchy {
  version: 1 | 2;
  /** v1: the controllers bound to it (`name=systemd` for named ones); v2: empty */
  controllers: string[];
  mountPoint: string;
  /** the agent's own cgroup in this hierarchy, as a directory under mountPoint */
  selfDir: string;
}

export interface CgroupHost {
  mode: 'v1' | 'v2' | 'hybrid';
  /** v1 hierarchies, in mountinfo order */
  v1: Hierarchy[];
  /** the cgroup2 hierarchy, if mounted */
  v2: Hierarchy | undefined;
}

/**
 * mountinfo escapes blanks and backslashes in paths as octal (\040); a path
 * with a space must still resolve.
 */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

interface MountEntry {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    // fields: id parent major:minor root mountpoint opts [optional...] - fstype source superopts
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const l = left.split(' ');
    const r = right.split(' ');
    const root = l[3];
    const mountPoint = l[4];
    const fsType = r[0];
    if (root === undefined || mountPoint === undefined || fsType === undefined) continue;
    out.push({
      root: unescapeMount(root),
      mountPoint: unescapeMount(mountPoint),
      fsType,
      superOptions: (r[2] ?? '').split(','),
    });
  }
  return out;
}

/** /proc/self/cgroup: `id:controllers:path`; v2 is the `0::` line. */
export function parseProcCgroup(text: string): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const controllers = m[2] ?? '';
    const path = m[3] ?? '/';
    if (controllers === '') byKey.set('', path);
    else for (const c of controllers.split(',')) byKey.set(c, path);
  }
  return byKey;
}

const v1Options = new Set([
  'rw',
  'ro',
  'noprefix',
  'xattr',
  'clone_children',
  'cpuset_v2_mode',
  'favordynmods',
]);

/**
 * A mount shows the subtree at `root`; the agent's own path is relative to the
 * hierarchy's (or its cgroup namespace's) top, so strip the mounted root.
 */
function selfDirOf(mountPoint: string, mountRoot: string, selfPath: string): string {
  let rel = selfPath;
  if (mountRoot !== '/' && (rel === mountRoot || rel.startsWith(`${mountRoot}/`)))
    rel = rel.slice(mountRoot.length);
  return rel === '/' || rel === '' ? mountPoint : join(mountPoint, rel);
}

export function describeHost(mountinfo: string, procCgroup: string): CgroupHost {
  const self = parseProcCgroup(procCgroup);
  const v1: Hierarchy[] = [];
  let v2: Hierarchy | undefined;
  const seen = new Set<string>();
  for (const m of parseMountinfo(mountinfo)) {
    if (m.fsType === 'cgroup2') {
      // The same hierarchy can be mounted twice; the first mount wins.
      if (v2 === undefined) {
        v2 = {
          version: 2,
          controllers: [],
          mountPoint: m.mountPoint,
          selfDir: selfDirOf(m.mountPoint, m.root, self.get('') ?? '/'),
        };
      }
      continue;
    }
    if (m.fsType !== 'cgroup') continue;
    const controllers = m.superOptions.filter((o) => !v1Options.has(o) && !o.startsWith('release_agent='));
    const key = [...controllers].sort().join(',');
    if (controllers.length === 0 || seen.has(key)) continue;
    seen.add(key);
    const first = controllers[0] ?? '';
    v1.push({
      version: 1,
      controllers,
      mountPoint: m.mountPoint,
      selfDir: selfDirOf(m.mountPoint, m.root, self.get(first) ?? '/'),
    });
  }
  const hasV1Controllers = v1.some((h) => h.controllers.some((c) => !c.startsWith('name=')));
  const mode = hasV1Controllers ? (v2 ? 'hybrid' : 'v1') : 'v2';
  return { mode, v1: hasV1Controllers ? v1 : [], v2 };
}

export async function detectHost(): Promise<CgroupHost> {
  const [mountinfo, procCgroup] = await Promise.all([
    readFile('/proc/self/mountinfo', 'utf8'),
    readFile('/proc/self/cgroup', 'utf8'),
  ]);
  return describeHost(mountinfo, procCgroup);
}

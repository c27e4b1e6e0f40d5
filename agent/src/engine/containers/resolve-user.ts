import { EngineError } from '../errors.ts';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** for HOME when the image sets none */
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}
interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) return [];
    return [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! }];
  });
}

function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) return [];
    return [{ name: f[0]!, gid: Number(f[2]), members: f[3]!.split(',').filter(Boolean) }];
  });
}

const isNumeric = (s: string) => /^\d+$/.test(s);

/**
 * Resolves Docker's `--user` forms (`uid`, `uid:gid`, `name`, `name:group`,
 * empty for root) against the image's /etc/passwd and /etc/group contents,
 * with the user's supplementary groups, as runc does. Numeric ids need no
 * entry; names must exist.
 */
export function resolveUser(
  spec: string,
  passwd: string | undefined,
  group: string | undefined,
): ResolvedUser {
  const [userPart = '', groupPart] = spec.split(':', 2);
  const users = parsePasswd(passwd ?? '');
  const groups = parseGroup(group ?? '');

  let uid = 0;
  let gid = 0;
  let home = '/';
  let name: string | undefined;
  if (userPart === '') {
    const root = users.find((u) => u.uid === 0);
    name = root?.name;
    home = root?.home ?? '/root';
  } else if (isNumeric(userPart)) {
    uid = Number(userPart);
    const entry = users.find((u) => u.uid === uid);
    gid = entry?.gid ?? 0;
    home = entry?.home ?? '/';
    name = entry?.name;
  } else {
    const entry = users.find((u) => u.name === userPart);
    if (!entry)
      throw new EngineError('invalid', `unable to find user ${userPart}: no matching entries in passwd file`);
    ({ uid, gid, home } = entry);
    name = entry.name;
  }

  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const entry = groups.find((g) => g.name === groupPart);
      if (!entry)
        throw new EngineError(
          'invalid',
          `unable to find group ${groupPart}: no matching entries in group file`,
        );
      gid = entry.gid;
    }
  }
  const additionalGids =
    name === undefined
      ? []
      : [...new Set(groups.filter((g) => g.members.includes(name)).map((g) => g.gid))].filter(
          (g) => g !== gid,
        );
  return { uid, gid, additionalGids, home };
}

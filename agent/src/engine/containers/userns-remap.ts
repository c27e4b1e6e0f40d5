import { readFileSync } from 'node:fs';
import { chmod, chown, lstat } from 'node:fs/promises';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import type { RuntimeSpecInput } from '../oci/spec.ts';
import type { ContainerSpec } from './spec.ts';

/**
 * User-namespace remapping, dockerd's `--userns-remap`: daemon-wide, every container's root is a
 * host id from a subordinate range, unless the container asks `--userns=host`
 * (HostConfig.UsernsMode "host"). The image layers are not copied: the helper mounts them
 * idmapped (agent/native/src/idmap.c).
 */
const IdRange = z.object({
  hostID: z
    .number()
    .int()
    .min(1)
    .max(2 ** 32 - 2),
  size: z.number().int().min(1),
});
export const UsernsRemap = z.object({ uid: IdRange, gid: IdRange });
export type UsernsRemap = z.infer<typeof UsernsRemap>;

/** the subordinate ranges of a user or group: lines NAME:START:COUNT (subuid(5)) */
function subordinateRange(file: string, name: string): z.infer<typeof IdRange> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '';
  }
  for (const line of text.split('\n')) {
    const [owner, start, count] = line.trim().split(':');
    if (owner === name && start && count)
      return IdRange.parse({ hostID: Number(start), size: Number(count) });
  }
  throw new EngineError(
    'invalid',
    `no subordinate range for ${JSON.stringify(name)} in ${file} (add a line such as ${name}:100000:65536)`,
  );
}

/**
 * `--userns-remap VALUE` as dockerd reads it: `default` (the `dockremap` user), `USER[:GROUP]`
 * (their ranges in /etc/subuid and /etc/subgid, the first one each), or Berth's `HOSTID:SIZE`
 * for both uids and gids on a host without those files.
 */
export function parseUsernsRemap(
  value: string,
  files: { subuid: string; subgid: string } = { subuid: '/etc/subuid', subgid: '/etc/subgid' },
): UsernsRemap {
  const numeric = /^(\d+):(\d+)$/.exec(value);
  if (numeric) {
    const range = IdRange.safeParse({ hostID: Number(numeric[1]), size: Number(numeric[2]) });
    if (!range.success)
      throw new EngineError('invalid', `invalid --userns-remap ${value}: HOSTID ≥ 1, SIZE ≥ 1`);
    return { uid: range.data, gid: range.data };
  }
  const [user = '', group = user] = value === 'default' ? ['dockremap'] : value.split(':');
  if (!/^[a-z_][a-z0-9_.-]*$/i.test(user) || !/^[a-z_][a-z0-9_.-]*$/i.test(group))
    throw new EngineError('invalid', `invalid --userns-remap ${value}: default, USER[:GROUP] or HOSTID:SIZE`);
  return { uid: subordinateRange(files.subuid, user), gid: subordinateRange(files.subgid, group) };
}

/** the container's remapping, or none: no daemon-wide remap, or `--userns=host` */
export function remapFor(remap: UsernsRemap | undefined, spec: ContainerSpec): UsernsRemap | undefined {
  return remap && spec.host.usernsMode !== 'host' ? remap : undefined;
}

/** Docker's rule, checked at create: a privileged container needs the host's user namespace. */
export function checkUsernsMode(remap: UsernsRemap | undefined, spec: ContainerSpec): void {
  if (remapFor(remap, spec) && spec.host.privileged)
    throw new EngineError(
      'invalid',
      'privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode',
    );
}

/** the runtime spec with a user namespace mapping container id 0.. onto the range */
export function withUserNamespace(spec: RuntimeSpecInput, remap: UsernsRemap): RuntimeSpecInput {
  const linux = spec.linux ?? {};
  return {
    ...spec,
    linux: {
      ...linux,
      namespaces: [...(linux.namespaces ?? []), { type: 'user' }],
      uidMappings: [{ containerID: 0, hostID: remap.uid.hostID, size: remap.uid.size }],
      gidMappings: [{ containerID: 0, hostID: remap.gid.hostID, size: remap.gid.size }],
    },
  };
}

/**
 * What the container's root needs on the host. `owned`: the overlay's upper directory (the root
 * directory of / comes from it) and a volume's top directory still owned by host root (files
 * copied up from the image already carry the shifted ids, read through the idmapped layers).
 * `traversed`: the data root's directories down to the rootfs, which the container's init,
 * already in its user namespace, walks to bind and pivot into it: as dockerd does, they go to
 * the mapped root's group with search permission only (0710), never to everyone.
 */
export async function giveToMappedRoot(
  remap: UsernsRemap,
  owned: string[],
  traversed: string[],
): Promise<void> {
  for (const dir of owned) {
    const st = await lstat(dir);
    if (st.uid === 0 && st.gid === 0) await chown(dir, remap.uid.hostID, remap.gid.hostID);
  }
  for (const dir of traversed) {
    const st = await lstat(dir);
    if (st.mode & 0o001 || (st.gid === remap.gid.hostID && st.mode & 0o010)) continue;
    await chown(dir, st.uid, remap.gid.hostID);
    await chmod(dir, (st.mode & 0o7777) | 0o010);
  }
}

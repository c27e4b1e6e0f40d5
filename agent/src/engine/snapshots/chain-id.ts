import type { Digest } from '../content/digest.ts';
import { sha256Digest } from '../content/digest.ts';

/** OCI image-spec ChainID: identifies a layer together with everything below it. */
export function chainIdOf(parent: Digest | null, diffId: Digest): Digest {
  return parent === null ? diffId : sha256Digest(`${parent} ${diffId}`);
}

/** ChainIDs of every prefix of a diff_id list, bottom layer first. */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  let parent: Digest | null = null;
  for (const d of diffIds) {
    parent = chainIdOf(parent, d);
    out.push(parent);
  }
  return out;
}

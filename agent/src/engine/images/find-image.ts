import type { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import type { ImageRecord, Records } from './image-records.ts';
import { familiarReference, formatReference, looksLikeImageId, parseReference } from './reference.ts';

/** Lookups over the image records: pure functions of one records snapshot. */

export interface Found {
  record: ImageRecord;
  /** the normalised tag the reference named, when it named one */
  viaTag: string | undefined;
  records: Records;
}

/** Docker's lookup order: full id, name[:tag] or name@digest, then a unique id prefix. */
export function findImage(records: Records, ref: string): Found {
  const notFound = () => new EngineError('not_found', `No such image: ${ref}`);
  const fullId = /^(sha256:)?([a-f0-9]{64})$/.exec(ref);
  if (fullId) {
    const record = records.images[`sha256:${fullId[2]}`];
    if (record) return { record, viaTag: undefined, records };
  }
  let parsed: ReturnType<typeof parseReference> | undefined;
  try {
    parsed = parseReference(ref);
  } catch (err) {
    if (!looksLikeImageId(ref)) throw err;
  }
  if (parsed?.digest !== undefined) {
    const repoDigest = `${parsed.domain}/${parsed.path}@${parsed.digest}`;
    const record = Object.values(records.images).find(
      (i) => i.repoDigests.includes(repoDigest) || i.manifestDigest === parsed.digest,
    );
    if (record) return { record, viaTag: undefined, records };
    throw notFound();
  }
  if (parsed) {
    const tag = formatReference(parsed);
    const id = records.tags[tag];
    const record = id === undefined ? undefined : records.images[id];
    if (record) return { record, viaTag: tag, records };
  }
  if (looksLikeImageId(ref)) {
    const prefix = `sha256:${ref.replace(/^sha256:/, '')}`;
    const matches = Object.keys(records.images).filter((id) => id.startsWith(prefix));
    if (matches.length > 1) throw new EngineError('invalid', `image id prefix ${ref} is ambiguous`);
    const record = matches[0] === undefined ? undefined : records.images[matches[0]];
    if (record) return { record, viaTag: undefined, records };
  }
  throw notFound();
}

export function tagsOf(r: Records, id: Digest): string[] {
  return Object.entries(r.tags)
    .filter(([, v]) => v === id)
    .map(([k]) => k);
}

/** Points tag at id; returns the image that lost it, if any. */
export function setTag(r: Records, tag: string, id: Digest): { id: Digest; tag: string }[] {
  const previous = r.tags[tag];
  r.tags[tag] = id;
  const record = r.images[id];
  if (record) record.lastTagTime = new Date().toISOString();
  return previous !== undefined && previous !== id ? [{ id: previous, tag }] : [];
}

export function liveBlobs(r: Records): Set<Digest> {
  const live = new Set<Digest>();
  for (const i of Object.values(r.images)) {
    live.add(i.id);
    live.add(i.manifestDigest);
    for (const l of i.layers) live.add(l.digest);
  }
  return live;
}

/** `docker images busybox` / `--filter reference=busy*`: matches the repository, or repository:tag, familiar or full. */
export function matchesReference(tag: string, pattern: string): boolean {
  const ref = parseReference(tag);
  const familiar = familiarReference(ref);
  const repoOnly = familiar.slice(0, familiar.lastIndexOf(':'));
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '.')}$`,
  );
  return [familiar, repoOnly, tag, formatReference({ domain: ref.domain, path: ref.path })].some((s) =>
    re.test(s),
  );
}

export function short(id: Digest): string {
  return id.slice(7, 19);
}

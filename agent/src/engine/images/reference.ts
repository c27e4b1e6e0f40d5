import { EngineError } from '../errors.ts';

/**
 * Docker image references, normalised as the docker CLI and distribution's
 * `reference` package do: `busybox` → `docker.io/library/busybox:latest`,
 * `host:port/ns/name:tag`, `name@sha256:…`. The registry client (issue 6)
 * reuses this module.
 */
export interface ImageReference {
  /** registry host, with port: `docker.io`, `localhost:5000` */
  domain: string;
  /** repository path inside the registry: `library/busybox` */
  path: string;
  tag?: string;
  digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DOMAINS = new Set(['index.docker.io', 'registry-1.docker.io']);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const MAX_NAME = 255;

/** Parses and normalises; `defaultTag` adds `:latest` when neither tag nor digest is given. */
export function parseReference(input: string, options: { defaultTag?: boolean } = {}): ImageReference {
  const bad = (why: string) =>
    new EngineError('invalid', `invalid reference format: ${JSON.stringify(input)}: ${why}`);
  if (input === '' || input !== input.trim()) throw bad('empty or padded');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('digest must be sha256:<64 lowercase hex>');
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad('bad tag');
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // distribution's rule: the first component is a host if it has a dot, a port or is localhost
    if (
      first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first !== first.toLowerCase()
    ) {
      if (!DOMAIN.test(first)) throw bad('bad registry host');
      domain = LEGACY_DOMAINS.has(first) ? DEFAULT_DOMAIN : first;
      path = rest.slice(slash + 1);
    }
  }
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  const components = path.split('/');
  for (const c of components) {
    if (!COMPONENT.test(c))
      throw bad(c !== c.toLowerCase() ? 'repository name must be lowercase' : 'bad name component');
  }
  if (`${domain}/${path}`.length > MAX_NAME) throw bad('name too long');
  if (tag === undefined && digest === undefined && options.defaultTag !== false) tag = DEFAULT_TAG;
  const ref: ImageReference = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `docker.io/library/busybox` */
export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full normalised form: `docker.io/library/busybox:latest`, `host/x@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** Docker's short display form: `busybox:latest`, `myorg/app:1`, `localhost:5000/x:y`. */
export function familiarReference(ref: ImageReference): string {
  let name = repositoryName(ref);
  if (ref.domain === DEFAULT_DOMAIN) {
    name = ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice(8) : ref.path;
  }
  let s = name;
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** The normalised `name:tag` string an image store keys tags by. */
export function normalizeTagged(input: string): string {
  const ref = parseReference(input);
  if (ref.digest !== undefined) throw new EngineError('invalid', `${input}: a tag cannot carry a digest`);
  return formatReference(ref);
}

/** True for 64-hex ids, `sha256:` ids and unambiguous-looking short id prefixes (Docker accepts ≥ 1 char; we want ≥ 4). */
export function looksLikeImageId(input: string): boolean {
  return /^(sha256:)?[a-f0-9]{4,64}$/.test(input);
}

import { EngineError } from '../errors.ts';
import { type Descriptor, type ImageIndex, MANIFEST_MEDIA_TYPES } from '../images/oci-schemas.ts';
import { hostPlatform } from '../images/platform.ts';

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

/** `--platform` as Docker spells it: `linux/arm64/v8`, `linux/amd64`, `arm64` (os defaults to linux). */
export function parsePlatform(input: string): PlatformSpec {
  const parts = input.trim().toLowerCase().split('/');
  if (parts.some((p) => p === '' || !/^[a-z0-9._-]+$/.test(p)) || parts.length > 3) {
    throw new EngineError('invalid', `invalid platform ${JSON.stringify(input)}: expected os/arch[/variant]`);
  }
  const [a, b, c] = parts as [string, string?, string?];
  const spec: PlatformSpec = b === undefined ? { os: 'linux', architecture: a } : { os: a, architecture: b };
  spec.architecture = normaliseArch(spec.architecture);
  if (c !== undefined) spec.variant = c;
  return normaliseVariant(spec);
}

export function formatPlatform(p: PlatformSpec): string {
  return [p.os, p.architecture, p.variant].filter((x) => x !== undefined && x !== '').join('/');
}

/**
 * Picks the manifest for `wanted` (this host's by default) from an index,
 * as containerd's platform matcher does: os and architecture must match;
 * a wanted variant must match (arm64's v8 is its default, so it matches an
 * entry without one); with no variant wanted, the first entry wins.
 */
export function selectManifest(index: ImageIndex, wanted: PlatformSpec = hostPlatform()): Descriptor {
  const want = normaliseVariant({ ...wanted, architecture: normaliseArch(wanted.architecture) });
  const images = index.manifests.filter((m) => MANIFEST_MEDIA_TYPES.has(m.mediaType) && m.platform);
  const candidates = images.filter((m) => {
    const p = m.platform;
    if (!p || p.os !== want.os || normaliseArch(p.architecture) !== want.architecture) return false;
    if (want.variant === undefined) return true;
    return (
      normaliseVariant({
        os: p.os,
        architecture: want.architecture,
        ...(p.variant ? { variant: p.variant } : {}),
      }).variant === want.variant
    );
  });
  const exact = candidates.find((m) => m.platform?.variant === want.variant) ?? candidates[0];
  if (exact) return exact;
  const available = images.map((m) => formatPlatform(m.platform as PlatformSpec));
  throw new EngineError(
    'not_found',
    `no matching manifest for ${formatPlatform(want)} in the manifest list entries (available: ${available.length > 0 ? available.join(', ') : 'none'})`,
  );
}

function normaliseArch(arch: string): string {
  const aliases: Record<string, string> = {
    x86_64: 'amd64',
    'x86-64': 'amd64',
    aarch64: 'arm64',
    armhf: 'arm',
    i386: '386',
  };
  return aliases[arch] ?? arch;
}

/** arm64 without a variant is v8; arm without one is v7 (containerd's normalisation). */
function normaliseVariant(p: PlatformSpec): PlatformSpec {
  if (p.architecture === 'arm64' && p.variant === undefined) return { ...p, variant: 'v8' };
  if (p.architecture === 'arm' && p.variant === undefined) return { ...p, variant: 'v7' };
  return p;
}

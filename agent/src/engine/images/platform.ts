import type { Platform } from './oci-schemas.ts';

/** This host's platform in OCI/Go spelling (amd64, arm64, ...). */
export function hostPlatform(): { os: string; architecture: string; variant?: string } {
  const arch: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ia32: '386',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
  };
  const architecture = arch[process.arch] ?? process.arch;
  return architecture === 'arm64'
    ? { os: 'linux', architecture, variant: 'v8' }
    : { os: 'linux', architecture };
}

export function matchesHost(p: Platform | undefined): boolean {
  if (p === undefined) return true;
  const host = hostPlatform();
  return p.os === host.os && p.architecture === host.architecture;
}

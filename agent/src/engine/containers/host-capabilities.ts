import { readFileSync } from 'node:fs';
import { CAPABILITIES } from '../oci/index.ts';

/**
 * The capabilities the agent itself may hand out: its bounding set, from
 * /proc/self/status. "All" (privileged, --cap-add ALL) means all of these,
 * not all the kernel knows: a host without CAP_SYS_RESOURCE (this kind of VM)
 * cannot give it, and capset would refuse the container's start.
 */
export function hostBoundingCapabilities(status = readFileSync('/proc/self/status', 'utf8')): string[] {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (!hex) return [...CAPABILITIES];
  const mask = BigInt(`0x${hex}`);
  return CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

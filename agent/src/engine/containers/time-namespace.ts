import type { Linux } from '../oci/spec.ts';
import type { ContainerSpec } from './spec.ts';

type Offsets = ContainerSpec['host']['timeOffsets'];

/**
 * A container asked to see its clocks shifted gets a time namespace of its own with those
 * offsets (Linux ≥ 5.6); one that did not ask shares the host's clocks, as with Docker.
 */
export function timeNamespace(offsets: Offsets): Pick<Linux, 'namespaces' | 'timeOffsets'> | undefined {
  if (!offsets || Object.keys(offsets).length === 0) return undefined;
  const timeOffsets: NonNullable<Linux['timeOffsets']> = {};
  for (const [clock, secs] of Object.entries(offsets) as [keyof typeof offsets, number][])
    timeOffsets[clock] = { secs, nanosecs: 0 };
  return { namespaces: [{ type: 'time' }], timeOffsets };
}

import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { parseCpuList } from './convert.ts';
import { CgroupResources } from './types.ts';

/** Docker refuses smaller memory limits: the runtime itself would not fit. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

function invalid(message: string): never {
  throw new EngineError('invalid', message);
}

/**
 * Checks that need no host state. `current` is what a live cgroup already has,
 * so an update of one field is checked against the others.
 */
export function checkResources(next: CgroupResources, current: CgroupResources = {}): void {
  const parsed = parseResources(next);
  const memory = parsed.memoryBytes ?? current.memoryBytes;
  const swap = parsed.memorySwapBytes ?? current.memorySwapBytes;
  if (parsed.memoryBytes !== undefined && parsed.memoryBytes < MIN_MEMORY_BYTES) {
    invalid(`memory limit ${parsed.memoryBytes} bytes is below the minimum of 6 MiB`);
  }
  if (swap !== undefined && swap !== -1) {
    if (memory === undefined) invalid('a memory+swap limit needs a memory limit as well');
    if (swap < memory)
      invalid(`memory+swap limit (${swap} bytes) must not be below the memory limit (${memory} bytes)`);
  }
  const reservation = parsed.memoryReservationBytes ?? current.memoryReservationBytes;
  if (reservation !== undefined && memory !== undefined && reservation > memory) {
    invalid(`memory reservation (${reservation} bytes) must not exceed the memory limit (${memory} bytes)`);
  }
  for (const [field, text] of [
    ['cpusetCpus', parsed.cpusetCpus],
    ['cpusetMems', parsed.cpusetMems],
  ] as const) {
    if (text !== undefined && parseCpuList(text) === undefined)
      invalid(`${field} ${JSON.stringify(text)} is not a list like 0-2,4`);
  }
}

/** The schema is the boundary; callers inside the engine may still hand over raw objects. */
function parseResources(r: CgroupResources): CgroupResources {
  const parsed = CgroupResources.safeParse(r);
  if (!parsed.success) invalid(`invalid resource limits: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Every CPU (or memory node) asked for must be one the parent may use. */
export function checkCpusetSubset(kind: 'CPU' | 'memory node', wanted: string, available: string): void {
  const want = parseCpuList(wanted) ?? [];
  const have = new Set(parseCpuList(available) ?? []);
  const missing = want.filter((c) => !have.has(c));
  if (missing.length > 0) {
    invalid(
      `cpuset ${kind} ${missing.join(',')} not present on this host (available: ${available.trim() || 'none'})`,
    );
  }
}

import { z } from 'zod';
import type { CgroupResources } from '../../engine/cgroups/types.ts';
import type { RestartPolicy } from '../../engine/containers/spec.ts';
import { EngineError } from '../../engine/errors.ts';

/** The body of POST /containers/{id}/update (`docker update`). Zero means "leave as is". */
export const ContainerUpdateBody = z.looseObject({
  Memory: z.number().nullish(),
  MemorySwap: z.number().nullish(),
  MemoryReservation: z.number().nullish(),
  NanoCpus: z.number().nullish(),
  CpuPeriod: z.number().nullish(),
  CpuQuota: z.number().nullish(),
  CpuShares: z.number().nullish(),
  CpusetCpus: z.string().nullish(),
  CpusetMems: z.string().nullish(),
  PidsLimit: z.number().nullish(),
  BlkioWeight: z.number().nullish(),
  RestartPolicy: z
    .looseObject({ Name: z.string().nullish(), MaximumRetryCount: z.number().nullish() })
    .nullish(),
});

export function toResourceUpdate(body: z.infer<typeof ContainerUpdateBody>): {
  resources: CgroupResources;
  restartPolicy?: RestartPolicy;
} {
  const set = (n: number | null | undefined) => (n && n > 0 ? n : undefined);
  const resources: CgroupResources = {};
  if (set(body.Memory)) resources.memoryBytes = set(body.Memory);
  if (body.MemorySwap) resources.memorySwapBytes = body.MemorySwap;
  if (set(body.MemoryReservation)) resources.memoryReservationBytes = set(body.MemoryReservation);
  if (set(body.NanoCpus)) {
    resources.cpuPeriodUs = 100_000;
    resources.cpuQuotaUs = Math.round((body.NanoCpus! / 1e9) * 100_000);
  }
  if (set(body.CpuPeriod)) resources.cpuPeriodUs = set(body.CpuPeriod);
  if (set(body.CpuQuota)) resources.cpuQuotaUs = set(body.CpuQuota);
  if (set(body.CpuShares)) resources.cpuShares = set(body.CpuShares);
  if (body.CpusetCpus) resources.cpusetCpus = body.CpusetCpus;
  if (body.CpusetMems) resources.cpusetMems = body.CpusetMems;
  if (set(body.PidsLimit)) resources.pidsLimit = set(body.PidsLimit);
  if (set(body.BlkioWeight)) resources.blkioWeight = set(body.BlkioWeight);
  const name = body.RestartPolicy?.Name;
  if (name && !['no', 'on-failure', 'always', 'unless-stopped'].includes(name)) {
    throw new EngineError('invalid', `invalid restart policy '${name}'`);
  }
  return {
    resources,
    ...(name
      ? {
          restartPolicy: {
            name: name as RestartPolicy['name'],
            maximumRetryCount: body.RestartPolicy?.MaximumRetryCount ?? 0,
          },
        }
      : {}),
  };
}

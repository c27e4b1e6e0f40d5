import { z } from 'zod';

/** POST /volumes/create (Docker's VolumeCreateOptions); ClusterVolumeSpec is swarm's and passes through unused. */
export const VolumeCreateBody = z.looseObject({
  Name: z.string().nullish(),
  Driver: z.string().nullish(),
  DriverOpts: z.record(z.string(), z.string()).nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
});
export type VolumeCreateBody = z.infer<typeof VolumeCreateBody>;

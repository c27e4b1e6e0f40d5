import { z } from 'zod';

/** What an agent tells the control plane about the machine it runs on. */
export const HostInfo = z.object({
  hostname: z.string().min(1).max(253),
  os: z.string().max(200),
  kernel: z.string().max(200),
  arch: z.string().max(50),
  cpus: z.number().int().positive(),
  memoryBytes: z.number().int().nonnegative(),
  agentVersion: z.string().max(50),
});
export type HostInfo = z.infer<typeof HostInfo>;

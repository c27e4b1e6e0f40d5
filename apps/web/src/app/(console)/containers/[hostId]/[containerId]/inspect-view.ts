/**
 * The parts of Docker's container inspect document the page shows. The link passes the document
 * through as the engine renders it (a record), so the page reads it through this schema rather
 * than trusting its shape; fields the engine leaves out are tolerated.
 */
import { z } from 'zod';

const PortBinding = z.object({ HostIp: z.string().optional(), HostPort: z.string().optional() });

export const InspectView = z.object({
  Id: z.string(),
  Name: z.string(),
  Created: z.string().optional(),
  Image: z.string().optional(),
  State: z.object({
    Status: z.string(),
    Running: z.boolean(),
    ExitCode: z.number().optional(),
    StartedAt: z.string().optional(),
    FinishedAt: z.string().optional(),
    Pid: z.number().optional(),
  }),
  Config: z
    .object({
      Image: z.string().optional(),
      Cmd: z.array(z.string()).nullish(),
      Entrypoint: z.array(z.string()).nullish(),
      Env: z.array(z.string()).nullish(),
      Labels: z.record(z.string(), z.string()).nullish(),
      Tty: z.boolean().optional(),
      WorkingDir: z.string().optional(),
      User: z.string().optional(),
    })
    .optional(),
  HostConfig: z
    .object({
      RestartPolicy: z.object({ Name: z.string().optional() }).optional(),
      PortBindings: z.record(z.string(), z.array(PortBinding).nullable()).nullish(),
    })
    .optional(),
  NetworkSettings: z
    .object({ Ports: z.record(z.string(), z.array(PortBinding).nullable()).nullish() })
    .nullish(),
  Mounts: z
    .array(z.object({ Type: z.string().optional(), Source: z.string().optional(), Destination: z.string() }))
    .nullish(),
});
export type InspectView = z.infer<typeof InspectView>;

/** Published ports as `http://host:port` links (the control plane's address stands in for 0.0.0.0). */
export function publishedPorts(info: InspectView, browserHost: string): { label: string; href: string }[] {
  const ports = info.NetworkSettings?.Ports ?? info.HostConfig?.PortBindings ?? {};
  return Object.entries(ports).flatMap(([containerPort, bindings]) =>
    (bindings ?? [])
      .filter((binding) => binding.HostPort)
      .map((binding) => {
        const ip =
          !binding.HostIp || binding.HostIp === '0.0.0.0' || binding.HostIp === '::'
            ? browserHost
            : binding.HostIp;
        return { label: `${binding.HostPort} → ${containerPort}`, href: `http://${ip}:${binding.HostPort}/` };
      }),
  );
}

import { z } from 'zod';
import type { NetworkCreateInput } from '../../engine/network/create-request.ts';
import { EndpointSettings } from './container-network.ts';

/** POST /networks/create, /networks/{id}/connect and /disconnect bodies as the docker CLI sends them. */

export const NetworkCreateBody = z.looseObject({
  Name: z.string({ error: 'Name is required' }),
  Driver: z.string().nullish(),
  Internal: z.boolean().nullish(),
  EnableIPv6: z.boolean().nullish(),
  IPAM: z
    .looseObject({
      Driver: z.string().nullish(),
      Config: z
        .array(
          z.looseObject({
            Subnet: z.string().nullish(),
            IPRange: z.string().nullish(),
            Gateway: z.string().nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
  Options: z.record(z.string(), z.string()).nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
});

export function toNetworkCreate(body: z.infer<typeof NetworkCreateBody>): NetworkCreateInput {
  const configs = body.IPAM?.Config ?? [];
  if (configs.length > 1)
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['IPAM', 'Config'],
        message: 'Berth networks have one IPv4 subnet',
        input: configs,
      },
    ]);
  const c = configs[0];
  return {
    name: body.Name,
    driver: body.Driver || 'bridge',
    subnet: c?.Subnet || undefined,
    gateway: c?.Gateway || undefined,
    ipRange: c?.IPRange || undefined,
    internal: body.Internal ?? false,
    labels: body.Labels ?? {},
    options: body.Options ?? {},
  };
}

export const NetworkConnectBody = z.looseObject({
  Container: z.string({ error: 'Container is required' }),
  EndpointConfig: EndpointSettings.nullish(),
});

export const NetworkDisconnectBody = z.looseObject({
  Container: z.string({ error: 'Container is required' }),
  Force: z.boolean().nullish(),
});

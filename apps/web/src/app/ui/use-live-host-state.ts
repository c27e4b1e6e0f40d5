'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC } from '../trpc.tsx';

/**
 * Live lists: the server says which host's stored state changed (containers, images, volumes,
 * networks, presence) and the page refetches what it shows from that kind.
 */
export function useLiveHostState(): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(
    trpc.containers.changes.subscriptionOptions(undefined, {
      onData: (change) => {
        const keys = {
          containers: trpc.containers.list.queryKey(),
          images: trpc.images.list.queryKey(),
          volumes: trpc.volumes.list.queryKey(),
          networks: trpc.networks.list.queryKey(),
          presence: trpc.hosts.list.queryKey(),
        } as const;
        for (const kind of change.kinds) void queryClient.invalidateQueries({ queryKey: keys[kind] });
      },
    }),
  );
}

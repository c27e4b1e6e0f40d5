import { type ContainerStatsSample, RunContainerInput, Streams } from '@berth/protocol';
import { z } from 'zod';
import { requireHostAccess } from '../../access/host-access.ts';
import {
  actOnContainer,
  actOnContainers,
  CONTAINER_ACTIONS,
  containerProcesses,
  inspectContainer,
  renameContainer,
  runContainer,
} from '../../containers/container-actions.ts';
import { execOnce, followLogs, followStats, LogChunk } from '../../containers/container-streams.ts';
import { ContainerRow, ListContainersInput, listContainers } from '../../containers/list-containers.ts';
import { authedProcedure, router, withServiceErrors } from '../init.ts';
import { ContainerRef, Empty, HostRef, viewable } from './host-inputs.ts';

const LogsInput = ContainerRef.extend(Streams['containers.logs'].input.omit({ id: true }).shape);

export const containersRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/containers', summary: 'Containers across all hosts' } })
    .input(ListContainersInput)
    .output(z.array(ContainerRow))
    .query(({ ctx, input }) =>
      listContainers(ctx.deps.db, input, {
        visible: viewable(ctx.user),
        reportOf: (hostId) => ctx.deps.gateway.hostStats(hostId),
        cache: ctx.deps.containerList,
      }),
    ),

  inspect: authedProcedure
    .meta({
      openapi: { method: 'GET', path: '/hosts/{hostId}/containers/{id}', summary: 'Inspect a container' },
    })
    .input(ContainerRef)
    .output(z.record(z.string(), z.unknown()))
    .query(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'inspect');
      return await inspectContainer(ctx.deps, input);
    }),

  top: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/hosts/{hostId}/containers/{id}/top',
        summary: 'Processes of a container',
      },
    })
    .input(ContainerRef)
    .output(z.object({ titles: z.array(z.string()), processes: z.array(z.array(z.string())) }))
    .query(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'inspect');
      return await containerProcesses(ctx.deps, input);
    }),

  run: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/hosts/{hostId}/containers',
        summary: 'Create and start a container',
      },
    })
    .input(HostRef.extend(RunContainerInput.shape))
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(async ({ ctx, input: { hostId, ...spec } }) => {
      await requireHostAccess(ctx.user, hostId, 'run');
      // a host path in the container is the host's files: more than running containers
      if (spec.mounts?.some((m) => m.type === 'bind')) await requireHostAccess(ctx.user, hostId, 'manage');
      return await runContainer(ctx.deps, ctx.user, hostId, spec);
    }),

  action: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/hosts/{hostId}/containers/{id}/{action}',
        summary: 'Start, stop, restart, kill, pause, unpause or remove a container',
      },
    })
    .input(ContainerRef.extend({ action: z.enum(CONTAINER_ACTIONS), force: z.boolean().default(false) }))
    .output(Empty)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'run');
      await actOnContainer(ctx.deps, ctx.user, input);
      return {};
    }),

  bulk: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/containers/bulk',
        summary: 'One action on many containers across hosts',
      },
    })
    .input(
      z.object({
        action: z.enum(CONTAINER_ACTIONS),
        targets: z.array(ContainerRef).min(1).max(1000),
        force: z.boolean().default(false),
      }),
    )
    .output(
      z.array(
        z.object({ hostId: z.string(), id: z.string(), ok: z.boolean(), error: z.string().optional() }),
      ),
    )
    .mutation(async ({ ctx, input }) => {
      for (const hostId of new Set(input.targets.map((t) => t.hostId)))
        await requireHostAccess(ctx.user, hostId, 'run');
      return await actOnContainers(ctx.deps, ctx.user, input);
    }),

  rename: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/hosts/{hostId}/containers/{id}/rename',
        summary: 'Rename a container',
      },
    })
    .input(
      ContainerRef.extend({
        name: z
          .string()
          .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/)
          .max(128),
      }),
    )
    .output(Empty)
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'run');
      await renameContainer(ctx.deps, ctx.user, input);
      return {};
    }),

  /** A command run to completion (for scripts); interactive shells use terminal sessions. */
  exec: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/hosts/{hostId}/containers/{id}/exec',
        summary: 'Run a command in a container and return its output',
      },
    })
    .input(
      ContainerRef.extend({
        cmd: z.array(z.string().max(65536)).min(1).max(1024),
        timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
      }),
    )
    .output(
      z.object({
        exitCode: z.number().int(),
        stdout: z.string(),
        stderr: z.string(),
        truncated: z.boolean(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await requireHostAccess(ctx.user, input.hostId, 'terminal');
      return await execOnce(ctx.deps, ctx.user, input);
    }),

  logs: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/hosts/{hostId}/containers/{id}/logs',
        summary: 'Log lines as JSON lines ({stream, text}); follow=true keeps the stream open',
        items: LogChunk,
      },
    })
    .input(LogsInput)
    .subscription(({ ctx, input, signal }) =>
      withServiceErrors(
        (async function* () {
          await requireHostAccess(ctx.user, input.hostId, 'logs');
          yield* followLogs(ctx.deps, input, signal);
        })(),
      ),
    ),

  stats: authedProcedure
    .input(ContainerRef.extend({ intervalMs: z.number().int().min(200).max(60_000).default(1000) }))
    .subscription(({ ctx, input, signal }) =>
      withServiceErrors(
        (async function* (): AsyncGenerator<z.infer<typeof ContainerStatsSample>> {
          await requireHostAccess(ctx.user, input.hostId, 'inspect');
          yield* followStats(ctx.deps, input, signal);
        })(),
      ),
    ),

  /** Which hosts' stored state changed: pages refetch what they show, without a reload. */
  changes: authedProcedure.subscription(async function* ({ ctx, signal }) {
    const visible = viewable(ctx.user);
    for await (const change of ctx.deps.hostFeed.changes(signal ?? new AbortController().signal)) {
      if (await visible(change.hostId)) yield change;
    }
  }),
});

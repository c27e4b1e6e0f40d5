import { containerInspect } from '../../docker-api/views/container-json.ts';
import { containerProcesses } from '../../engine/containers/top.ts';
import type { Engine } from '../../engine/engine.ts';
import { containerSummary } from '../host-summaries.ts';
import type { CallHandlers } from '../request-handler.ts';

type ContainerCalls = Pick<CallHandlers, Extract<keyof CallHandlers, `containers.${string}`>>;

/** For procedures that answer nothing but success. */
export async function empty(work: Promise<unknown>): Promise<Record<string, never>> {
  await work;
  return {};
}

/** The container procedures, each one engine call. */
export function containerCalls(engine: Engine): ContainerCalls {
  const { containers } = engine;
  return {
    'containers.list': async ({ all }) =>
      containers
        .list()
        .filter((c) => all || c.state.status === 'running')
        .map((c) => containerSummary(engine, c)),
    'containers.inspect': async ({ id }) => {
      const record = containers.get(id);
      const execIds = engine.execs.forContainer(record.id).map((e) => e.id);
      return containerInspect(
        record,
        (name) => engine.volumes.mountpoint(name),
        execIds,
        engine.networks.networksOf(record.id),
      );
    },
    'containers.run': async (input) => {
      const record = await containers.create({
        image: input.image,
        name: input.name,
        cmd: input.cmd,
        entrypoint: input.entrypoint,
        env: input.env,
        labels: input.labels,
        workingDir: input.workingDir,
        user: input.user,
        tty: input.tty,
        openStdin: input.openStdin,
        network: { mode: input.network ?? 'bridge', ports: input.ports },
        host: {
          restartPolicy: { name: input.restartPolicy, maximumRetryCount: 0 },
          autoRemove: input.autoRemove,
          mounts: input.mounts,
          resources: {
            memoryBytes: input.memoryBytes,
            pidsLimit: input.pidsLimit,
            // --cpus as Docker sets it: a quota per 100 ms period
            ...(input.nanoCpus
              ? { cpuPeriodUs: 100_000, cpuQuotaUs: Math.round((input.nanoCpus / 1e9) * 100_000) }
              : {}),
          },
        },
      });
      if (input.start) {
        try {
          await containers.start(record.id);
        } catch (err) {
          // docker run leaves a container that failed to start; so do we, but say why
          throw Object.assign(err as Error, {
            message: `created ${record.name} but it did not start: ${(err as Error).message}`,
          });
        }
      }
      return { id: record.id, name: record.name };
    },
    'containers.start': ({ id }) => empty(containers.start(id)),
    'containers.stop': ({ id, timeoutSeconds }) => empty(containers.stop(id, timeoutSeconds)),
    'containers.restart': ({ id, timeoutSeconds }) => empty(containers.restart(id, timeoutSeconds)),
    'containers.kill': ({ id, signal }) => empty(containers.kill(id, signal ?? 'SIGKILL')),
    'containers.pause': ({ id }) => empty(containers.pause(id)),
    'containers.unpause': ({ id }) => empty(containers.unpause(id)),
    'containers.remove': ({ id, force, volumes }) => empty(containers.remove(id, { force, volumes })),
    'containers.rename': ({ id, name }) => empty(containers.rename(id, name)),
    'containers.top': async ({ id, psArgs }) =>
      containerProcesses(engine.cgroups, containers.get(id), psArgs),
  };
}

import { dirname } from 'node:path';
import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { readLogs } from '../../engine/logs/index.ts';
import type { StreamHandlers } from '../request-handler.ts';

type ContainerStreams = Pick<StreamHandlers, 'containers.logs' | 'containers.stats' | 'containers.exec'>;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Logs, stats and exec as link streams; each waits for credit before reading on. */
export function containerStreams(engine: Engine): ContainerStreams {
  const { containers, execs, cgroups } = engine;
  return {
    'containers.logs': async (input, ctx) => {
      const record = containers.get(input.id);
      try {
        for await (const entry of readLogs(dirname(record.logPath), record.id, {
          stdout: input.stdout,
          stderr: input.stderr,
          tail: input.tail,
          since: input.since === undefined ? undefined : new Date(input.since),
          timestamps: input.timestamps,
          follow: input.follow,
          signal: ctx.signal,
          exited: input.follow ? containers.waitForExit(record.id) : undefined,
        })) {
          await ctx.write(entry.stream, Buffer.from(entry.line));
        }
      } catch (err) {
        // a container that never wrote has no log file yet: no lines
        if (!(err instanceof EngineError && err.code === 'not_found')) throw err;
      }
      return {};
    },

    'containers.stats': async (input, ctx) => {
      const record = containers.get(input.id);
      let previous: { usageNs: number; at: number } | undefined;
      while (!ctx.signal.aborted) {
        const cgroup = await cgroups.open(record.id);
        if (!cgroup) break; // the container stopped: its cgroup is gone
        const s = await cgroup.stats();
        const at = Date.now();
        const cpuPercent = previous
          ? ((s.cpu.usageNs - previous.usageNs) / ((at - previous.at) * 1e6)) * 100
          : 0;
        previous = { usageNs: s.cpu.usageNs, at };
        await ctx.item({
          at: new Date(at).toISOString(),
          cpuPercent: Math.max(0, cpuPercent),
          memoryUsageBytes: s.memory.usageBytes,
          memoryLimitBytes: s.memory.limitBytes,
          pids: s.pids.current,
          readBytes: s.blkio.readBytes,
          writeBytes: s.blkio.writeBytes,
        });
        await sleep(input.intervalMs, ctx.signal);
      }
      return {};
    },

    'containers.exec': async (input, ctx) => {
      const record = containers.get(input.id);
      const session = execs.create(record, {
        cmd: input.cmd,
        env: input.env,
        user: input.user,
        workingDir: input.workingDir,
        tty: input.tty,
        attachStdin: input.stdin,
        attachStdout: true,
        attachStderr: true,
        privileged: false,
      });
      const child = await execs.start(record, session.id);
      // the stream's end (cancel, a lost link, the control plane gone) ends the process
      const kill = () => {
        if (session.running) execs.kill(session.id);
      };
      ctx.signal.addEventListener('abort', kill, { once: true });
      if (input.tty && input.rows && input.cols) child.resize(input.rows, input.cols);
      ctx.onResize((rows, cols) => {
        if (session.running && input.tty) child.resize(rows, cols);
      });
      const feed = async () => {
        if (!input.stdin) return void child.stdin.end();
        for await (const chunk of ctx.input()) {
          if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
        }
        child.stdin.end();
      };
      const pump = async (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
        if (!stream) return;
        for await (const chunk of stream as AsyncIterable<Buffer>) await ctx.write(name, chunk);
      };
      void feed().catch(() => child.stdin.destroy());
      const [, , status] = await Promise.all([
        pump(child.stdout, 'stdout'),
        pump(child.stderr, 'stderr'),
        child.exited,
      ]);
      ctx.signal.removeEventListener('abort', kill);
      return { exitCode: status.exitCode };
    },
  };
}

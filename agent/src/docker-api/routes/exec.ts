import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { readJsonBody } from '../body.ts';
import { sendJson } from '../respond.ts';
import type { Router } from '../router.ts';
import { ExecCreateBody, ExecStartBody } from '../schemas/exec.ts';
import { openOutput } from '../stream-output.ts';

export function execRoutes(router: Router, engine: Engine): void {
  const { containers, execs } = engine;

  router.on('POST', '/containers/:id/exec', async ({ req, res, params }) => {
    const record = containers.get(params.id!);
    const body = await readJsonBody(req, ExecCreateBody);
    const session = execs.create(record, {
      cmd: body.Cmd,
      env: body.Env ?? [],
      user: body.User || undefined,
      workingDir: body.WorkingDir || undefined,
      tty: body.Tty ?? false,
      attachStdin: body.AttachStdin ?? false,
      attachStdout: body.AttachStdout ?? true,
      attachStderr: body.AttachStderr ?? true,
      privileged: body.Privileged ?? false,
    });
    sendJson(res, 201, { Id: session.id });
  });

  router.on('POST', '/exec/:id/start', async (ctx) => {
    const body = await readJsonBody(ctx.req, ExecStartBody);
    const session = execs.get(ctx.params.id!);
    const record = containers.get(session.containerId);
    const child = await execs.start(record, session.id);
    const { config } = session;
    if (body.ConsoleSize && config.tty) child.resize(body.ConsoleSize[0]!, body.ConsoleSize[1]!);
    if (body.Detach) {
      // the process runs on; nobody reads its output
      child.stdout.resume();
      child.stderr?.resume();
      child.stdin.end();
      ctx.res.writeHead(200).end();
      return;
    }
    const out = openOutput(ctx, config.tty);
    // a client that goes away ends the process, never leaks it
    void out.closed.then(() => {
      if (session.running) execs.kill(session.id);
    });
    if (config.attachStdin && out.input) {
      out.input.pipe(child.stdin);
    } else {
      child.stdin.end();
    }
    const pump = async (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr', wanted: boolean) => {
      if (!stream) return;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (wanted && !out.write(name, chunk)) await out.drained();
      }
    };
    const [, , exit] = await Promise.all([
      pump(child.stdout, 'stdout', config.attachStdout),
      pump(child.stderr, 'stderr', config.attachStderr),
      child.exited.catch(() => undefined),
    ]);
    // a command that could not run (127 not found, 126 not executable) says why, as Docker's does
    if (exit?.error) out.write('stderr', Buffer.from(`OCI runtime exec failed: ${exit.error}\n`));
    out.end();
  });

  router.on('POST', '/exec/:id/resize', async ({ res, params, query }) => {
    const rows = Number(query.get('h') ?? 0);
    const cols = Number(query.get('w') ?? 0);
    if (!Number.isInteger(rows) || !Number.isInteger(cols))
      throw new EngineError('invalid', 'h and w must be integers');
    execs.resize(params.id!, rows, cols);
    sendJson(res, 200, {});
  });

  router.on('GET', '/exec/:id/json', async ({ res, params }) => {
    const s = execs.get(params.id!);
    sendJson(res, 200, {
      ID: s.id,
      Running: s.running,
      ExitCode: s.exitCode,
      ProcessConfig: {
        tty: s.config.tty,
        entrypoint: s.config.cmd[0],
        arguments: s.config.cmd.slice(1),
        privileged: s.config.privileged,
        user: s.config.user ?? '',
      },
      OpenStdin: s.config.attachStdin,
      OpenStderr: s.config.attachStderr,
      OpenStdout: s.config.attachStdout,
      CanRemove: false,
      ContainerID: s.containerId,
      DetachKeys: '',
      Pid: s.pid,
    });
  });
}

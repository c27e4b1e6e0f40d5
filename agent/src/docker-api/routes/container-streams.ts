import { dirname } from 'node:path';
import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { readLogs } from '../../engine/logs/index.ts';
import { queryFlag } from '../respond.ts';
import type { Router } from '../router.ts';
import { openOutput } from '../stream-output.ts';

/** Docker's since/until: unix seconds with an optional fraction, or empty. */
function queryTime(query: URLSearchParams, name: string): Date | undefined {
  const v = query.get(name);
  if (!v || v === '0') return undefined;
  const seconds = Number(v);
  if (!Number.isFinite(seconds)) throw new EngineError('invalid', `invalid ${name}: ${v}`);
  return new Date(seconds * 1000);
}

export function containerStreamRoutes(router: Router, engine: Engine): void {
  const { containers } = engine;

  router.on('GET', '/containers/:id/logs', async (ctx) => {
    const record = containers.get(ctx.params.id!);
    const { query } = ctx;
    const stdout = queryFlag(query, 'stdout');
    const stderr = queryFlag(query, 'stderr');
    if (!stdout && !stderr) throw new EngineError('invalid', 'you must choose at least one stream');
    const tailText = query.get('tail');
    const tail = tailText && tailText !== 'all' ? Number.parseInt(tailText, 10) : undefined;
    const follow = queryFlag(query, 'follow');
    const abort = new AbortController();
    const out = openOutput(ctx, record.spec.tty);
    void out.closed.then(() => abort.abort());
    const exited = follow ? containers.waitForExit(record.id) : undefined;
    try {
      for await (const entry of readLogs(dirname(record.logPath), record.id, {
        stdout,
        stderr,
        tail,
        since: queryTime(query, 'since'),
        until: queryTime(query, 'until'),
        timestamps: queryFlag(query, 'timestamps'),
        follow,
        signal: abort.signal,
        exited,
      })) {
        if (!out.write(entry.stream, Buffer.from(entry.line))) await out.drained();
      }
    } catch (err) {
      if (!abort.signal.aborted && !(err instanceof EngineError && err.code === 'not_found')) throw err;
    }
    out.end();
  });

  router.on('POST', '/containers/:id/attach', async (ctx) => {
    const record = containers.get(ctx.params.id!);
    const { query } = ctx;
    const wantStdin = queryFlag(query, 'stdin') && record.spec.openStdin;
    const wantStdout = queryFlag(query, 'stdout');
    const wantStderr = queryFlag(query, 'stderr');
    const out = openOutput(ctx, record.spec.tty);
    const session = await containers.attach(record.id, wantStdin, out.closed);
    if (!session) {
      out.end();
      return;
    }
    void out.closed.then(() => session.close());
    if (wantStdin && out.input) {
      out.input.on('data', (chunk: Buffer) => session.write(chunk));
      out.input.on('end', () => {
        if (record.spec.stdinOnce || !record.spec.tty) session.closeStdin();
      });
    }
    for await (const chunk of session.output) {
      if ((chunk.stream === 'stdout' && !wantStdout) || (chunk.stream === 'stderr' && !wantStderr)) continue;
      if (!out.write(chunk.stream, chunk.data)) await out.drained();
    }
    out.end();
  });
}

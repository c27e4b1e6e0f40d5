/**
 * An OCI runtime command line over the engine's Runtime, usable in place of
 * runc for the spec's operations on a bundle (a dir with config.json):
 *
 *   oci-runtime [--root DIR] create [--bundle DIR] [--pid-file FILE] ID
 *   oci-runtime [--root DIR] start ID
 *   oci-runtime [--root DIR] state ID
 *   oci-runtime [--root DIR] kill ID [SIGNAL]
 *   oci-runtime [--root DIR] delete [--force] ID
 *   oci-runtime [--root DIR] run [--bundle DIR] ID   (create+start, wait, delete; exits with the container's code)
 *
 * Run as `node --import tsx agent/src/cli/oci-runtime.ts`. The container's
 * output goes to DIR/logs/ID-json.log (Docker's json-file format), not to the
 * caller's terminal; process.terminal (runc's --console-socket) is refused.
 * linux.cgroupsPath and resources are not applied: cgroups stay the caller's.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { EngineError } from '../engine/errors.ts';
import { RuntimeSpec } from '../engine/oci/spec.ts';
import { Runtime } from '../engine/tasks/runtime.ts';
import { startFailureExitCode } from '../engine/tasks/start-failure.ts';

interface Args {
  root: string;
  command: string;
  id: string;
  bundle: string;
  pidFile?: string;
  force: boolean;
  rest: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    root: '/run/berth-oci',
    command: '',
    id: '',
    bundle: process.cwd(),
    force: false,
    rest: [],
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new EngineError('invalid', `${arg} needs a value`);
      return v;
    };
    if (arg === '--root') a.root = value();
    else if (arg === '--bundle' || arg === '-b') a.bundle = resolve(value());
    else if (arg === '--pid-file') a.pidFile = resolve(value());
    else if (arg === '--force' || arg === '-f') a.force = true;
    else if (arg.startsWith('-')) throw new EngineError('invalid', `unknown option ${arg}`);
    else positional.push(arg);
  }
  a.command = positional[0] ?? '';
  a.id = positional[1] ?? '';
  a.rest = positional.slice(2);
  if (!a.command || !a.id)
    throw new EngineError('invalid', 'usage: oci-runtime [--root DIR] COMMAND [options] ID');
  return a;
}

async function loadBundle(bundle: string): Promise<RuntimeSpec> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'));
  } catch (cause) {
    throw new EngineError('invalid', `cannot read ${join(bundle, 'config.json')}`, { cause });
  }
  const parsed = RuntimeSpec.safeParse(raw);
  if (!parsed.success) throw new EngineError('invalid', `config.json: ${parsed.error.message}`);
  const spec = parsed.data;
  if (spec.process.terminal) {
    throw new EngineError(
      'invalid',
      'process.terminal needs a console socket, which this runtime does not offer',
    );
  }
  if (!isAbsolute(spec.root.path)) spec.root.path = join(bundle, spec.root.path);
  return spec;
}

function signalArg(s: string | undefined): number | NodeJS.Signals {
  if (!s) return 'SIGTERM';
  if (/^\d+$/.test(s)) return Number(s);
  return (s.startsWith('SIG') ? s : `SIG${s}`) as NodeJS.Signals;
}

async function main(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  const rt = new Runtime({ tasksDir: join(a.root, 'tasks') });
  const bundles = join(a.root, 'bundles');
  switch (a.command) {
    case 'create':
    case 'run': {
      const spec = await loadBundle(a.bundle);
      for (const d of ['tasks', 'bundles', 'logs'])
        await mkdir(join(a.root, d), { recursive: true, mode: 0o700 });
      await writeFile(join(bundles, a.id), a.bundle);
      const opts = { spec, log: { path: join(a.root, 'logs', `${a.id}-json.log`) } };
      const state = a.command === 'run' ? await rt.run(a.id, opts) : await rt.create(a.id, opts);
      if (a.pidFile) await writeFile(a.pidFile, String(state.pid));
      if (a.command === 'create') return 0;
      const { exitCode } = await rt.wait(a.id);
      await rt.delete(a.id);
      await rm(join(bundles, a.id), { force: true });
      return exitCode;
    }
    case 'start':
      await rt.start(a.id);
      return 0;
    case 'state': {
      const s = await rt.state(a.id);
      const bundle = await readFile(join(bundles, a.id), 'utf8').catch(() => '');
      const out = {
        ociVersion: '1.2.0',
        id: a.id,
        status: s.status,
        pid: s.status === 'stopped' ? 0 : s.pid,
        bundle,
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    case 'kill':
      await rt.kill(a.id, signalArg(a.rest[0]));
      return 0;
    case 'delete':
      await rt.delete(a.id, { force: a.force });
      await rm(join(bundles, a.id), { force: true });
      return 0;
    default:
      throw new EngineError('invalid', `unknown command ${a.command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`oci-runtime: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(startFailureExitCode(err) ?? 1);
  },
);

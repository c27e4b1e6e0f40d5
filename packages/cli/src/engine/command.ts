/**
 * `berth engine COMMAND`: the operator's view of the local agent, over its Docker API socket
 * (--socket, BERTH_SOCKET, else the agent's default). No control plane or token: whoever may
 * open the socket (root, by its mode) may drive the engine, as with Docker's own socket.
 */
import { CliError } from '../cli-error.ts';
import * as c from './containers.ts';
import { imagePrune, images, importImage, load, rmi, tag } from './images.ts';
import { EngineClient } from './socket-client.ts';
import { events, exec, logs, run, stats } from './streams.ts';
import { volume } from './volumes.ts';

export const ENGINE_USAGE = `Usage: berth engine [--socket PATH] COMMAND   (the local agent; default socket /run/berth/docker.sock, or BERTH_SOCKET)

  ps [-a] [-q]                 images [-q]              load [-i FILE]           import FILE|- [REF]
  run [-d] [--rm] [-i] [-t] [--name N] [-e K=V] [-v SRC:DST[:ro]] [-p [IP:]HOST:CTR] [--network NET]
      [--memory SIZE] [--cpus N] [--pids-limit N] [--restart POLICY] IMAGE [CMD…]
  create (run's flags) IMAGE [CMD…]       start|pause|unpause|restart|wait CONTAINER…
  stop [-t SECS] CONTAINER…    kill [-s SIGNAL] CONTAINER…    rm [-f] [-v] CONTAINER…    rename OLD NEW
  logs [-f] [--tail N] [-t] CONTAINER     exec [-i] [-t] [-d] [-e K=V] [-u USER] [-w DIR] CONTAINER CMD…
  inspect NAME…   top CONTAINER   diff CONTAINER   export [-o FILE] CONTAINER   commit CONTAINER [REPO[:TAG]]
  tag SOURCE TARGET   rmi [-f] IMAGE…   image prune [-a]   volume ls|create|rm|inspect|prune
  events   stats --no-stream [CONTAINER…]`;

/** Runs one engine command; resolves to the process's exit status. */
export async function engineCommand(argv: string[]): Promise<number> {
  let args = argv;
  let socket: string | undefined;
  const flag = args[0]?.match(/^--socket(?:=(.*))?$/);
  if (flag) {
    socket = flag[1] ?? args[1];
    if (!socket) throw new CliError('--socket needs a path');
    args = args.slice(flag[1] === undefined ? 2 : 1);
  }
  const [command, ...rest] = args;
  const engine = EngineClient.fromEnv(socket);
  const simple: Record<string, (e: EngineClient, a: string[]) => Promise<void>> = {
    ps: c.ps,
    create: c.create,
    rename: c.rename,
    inspect: c.inspect,
    top: c.top,
    diff: c.diff,
    export: c.exportContainer,
    commit: c.commit,
    images,
    load,
    import: importImage,
    tag,
    rmi,
    logs,
    events,
    stats,
    volume,
  };
  const each = ['start', 'stop', 'kill', 'restart', 'pause', 'unpause', 'rm'];
  if (command && command in simple) await simple[command]!(engine, rest);
  else if (command && each.includes(command)) await c.eachContainer(engine, command, rest);
  else if (command === 'run') return run(engine, rest).catch(runFailed);
  else if (command === 'exec') return exec(engine, rest);
  else if (command === 'wait') return c.wait(engine, rest);
  else if (command === 'image' && rest[0] === 'prune') await imagePrune(engine, rest.slice(1));
  else if (command === 'image' && rest[0] === 'ls') await images(engine, rest.slice(1));
  else if (!command || command === 'help' || command === '--help') {
    console.log(ENGINE_USAGE);
    return command ? 0 : 2;
  } else throw new CliError(`unknown engine command ${JSON.stringify(command)}; see berth engine help`, 2);
  return 0;
}

/** docker run's statuses for a run that never ran: 127 no such command, 126 not executable, 125 the rest. */
function runFailed(err: unknown): never {
  if (!(err instanceof CliError) || err.exitCode !== 1) throw err;
  const code = /executable file not found|no such file or directory/.test(err.message)
    ? 127
    : /permission denied/.test(err.message)
      ? 126
      : 125;
  throw new CliError(err.message, code);
}

/**
 * `berth engine COMMAND`: the local agent's engine from a shell, through its socket
 * (`--socket PATH`, `BERTH_SOCKET`, default /run/berth/docker.sock). Needs no control plane.
 */
import { CliError } from '../cli-error.ts';
import { DEFAULT_ENGINE_SOCKET, engineClient } from '../engine/engine-client.ts';
import * as c from '../engine/engine-containers.ts';
import * as i from '../engine/engine-images.ts';

export const ENGINE_USAGE = `Usage: berth engine [--socket PATH] COMMAND

  ps [-a] [-q]            images [-q]            inspect NAME…          events [--since T] [--until T]
  run [-d] [--rm] [-i] [-t] [--name N] [-e K=V] [-v SRC:DST[:ro]] [-p [IP:]HOST:CTR[/udp]]
      [--network NET] [-m 512m] [--cpus 0.5] [--pids-limit N] [--restart POLICY] IMAGE [CMD…]
  create (as run)         start|stop [-t S]|restart|kill [-s SIG]|pause|unpause|rm [-f] [-v] CONTAINER…
  wait CONTAINER…         rename OLD NEW         logs [-f] [-n N] [-t] CONTAINER
  exec [-i] [-t] [-e K=V] [-u USER] [-w DIR] CONTAINER CMD…
  top CONTAINER           diff CONTAINER         export [-o FILE] CONTAINER      commit CONTAINER [REF]
  load -i FILE            import FILE REF        tag SOURCE TARGET      rmi [-f] IMAGE…
  image prune [-a]        stats                  volume ls|create [NAME]|inspect NAME…|rm NAME…|prune

Environment: BERTH_SOCKET (the agent's Docker-compatible socket).`;

const VERBS = new Set(['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'rm']);

export async function engine(argv: string[]): Promise<number> {
  let args = argv;
  let socket = process.env.BERTH_SOCKET || DEFAULT_ENGINE_SOCKET;
  if (args[0] === '--socket' || args[0]?.startsWith('--socket=')) {
    socket = args[0].includes('=') ? args[0].slice('--socket='.length) : (args[1] ?? '');
    args = args.slice(args[0].includes('=') ? 1 : 2);
  }
  const [command, ...rest] = args;
  if (!command || command === 'help' || command === '--help') {
    console.log(ENGINE_USAGE);
    return command ? 0 : 2;
  }
  const e = engineClient(socket);
  if (VERBS.has(command)) {
    await c.lifecycle(e, command, rest);
    return 0;
  }
  switch (command) {
    case 'run':
      return c.run(e, rest);
    case 'exec':
      return c.exec(e, rest);
    case 'create':
      await c.createCommand(e, rest);
      return 0;
    case 'ps':
      await c.ps(e, rest);
      return 0;
    case 'logs':
      await c.logs(e, rest);
      return 0;
    case 'wait':
      await c.wait(e, rest);
      return 0;
    case 'rename':
      await c.rename(e, rest);
      return 0;
    case 'top':
      await c.top(e, rest);
      return 0;
    case 'diff':
      await c.diff(e, rest);
      return 0;
    case 'images':
      await i.images(e, rest);
      return 0;
    case 'load':
      await i.load(e, rest);
      return 0;
    case 'import':
      await i.importImage(e, rest);
      return 0;
    case 'tag':
      await i.tag(e, rest);
      return 0;
    case 'rmi':
      await i.rmi(e, rest);
      return 0;
    case 'image':
      if (rest[0] !== 'prune') throw new CliError('usage: berth engine image prune [-a]', 2);
      await i.imagePrune(e, rest.slice(1));
      return 0;
    case 'commit':
      await i.commit(e, rest);
      return 0;
    case 'export':
      await i.exportContainer(e, rest);
      return 0;
    case 'inspect':
      await i.inspect(e, rest);
      return 0;
    case 'volume':
      await i.volume(e, rest);
      return 0;
    case 'events':
      await i.events(e, rest);
      return 0;
    case 'stats':
      await i.stats(e);
      return 0;
    default:
      throw new CliError(`unknown engine command ${JSON.stringify(command)}; see berth engine help`, 2);
  }
}

/**
 * `berth`: the control plane's REST API from a terminal. BERTH_URL and BERTH_TOKEN, or what
 * `berth login` saved, say where and as whom.
 */
import { createApiClient } from './api.ts';
import { CliError } from './cli-error.ts';
import { logs, ps, rm, run, stop } from './commands/containers.ts';
import { exec } from './commands/exec.ts';
import { hosts } from './commands/hosts.ts';
import { login } from './commands/login.ts';
import { token } from './commands/tokens.ts';
import { loadConfig } from './config.ts';
import { engineCommand } from './engine/command.ts';

const USAGE = `Usage: berth COMMAND

  login URL [--token berth_…] [-u USER] [--password-stdin] [--scope read|write|admin]
  token create NAME [--scope …] [--expires-days N] | token list | token revoke ID|NAME
  hosts [ls | rename HOST NAME | labels HOST [K=V…] | rm HOST | join-token [--ttl MIN]]
  ps [-a] [--host HOST]                     containers across every host you may see
  run --host HOST [--name N] [-e K=V] [-d] IMAGE [CMD…]
  logs [-f] [-n N] [--host HOST] CONTAINER
  exec [-i] [-t] [--host HOST] CONTAINER CMD…
  stop [--host HOST] CONTAINER…
  rm [-f] [--host HOST] CONTAINER…
  engine COMMAND…                           the local agent over its socket (berth engine help)

Environment: BERTH_URL, BERTH_TOKEN (override ~/.config/berth/config.json); BERTH_SOCKET (engine).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'engine') return engineCommand(args);
  if (command === 'login') {
    await login(args);
    return 0;
  }
  const config = loadConfig();
  const api = createApiClient(config);
  switch (command) {
    case 'token':
      await token(api, args);
      return 0;
    case 'hosts':
      await hosts(api, args);
      return 0;
    case 'ps':
      await ps(api, args);
      return 0;
    case 'run':
      await run(api, args);
      return 0;
    case 'logs':
      await logs(api, args);
      return 0;
    case 'exec':
      return exec(api, config, args);
    case 'stop':
      await stop(api, args);
      return 0;
    case 'rm':
      await rm(api, args);
      return 0;
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}; see berth help`, 2);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`berth: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`berth: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);

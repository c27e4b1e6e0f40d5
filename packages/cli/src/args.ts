/** Argument parsing on node:util's parseArgs, plus the `OPTIONS TARGET COMMAND...` form of run/exec. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from './cli-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/**
 * `-it web sh -c "ls"`: options up to the first positional (the target), then the command
 * verbatim, so the command's own flags are not taken for ours.
 */
export function parseWithCommand<O extends Options>(args: string[], options: O) {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-') && args[i] !== '--') {
    const name = args[i]!.replace(/^-+/, '').split('=')[0]!;
    const spec = Object.entries(options).find(([long, o]) => long === name || o.short === name)?.[1];
    i += spec?.type === 'string' && !args[i]!.includes('=') ? 2 : 1;
  }
  if (args[i] === '--') i++;
  const parsed = parse(args.slice(0, i), options);
  const [target, ...command] = args.slice(i);
  return { values: parsed.values, target, command };
}

export function need(value: string | undefined, what: string): string {
  if (!value) throw new CliError(`missing ${what}`);
  return value;
}

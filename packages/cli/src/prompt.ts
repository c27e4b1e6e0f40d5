/** Reading a secret from the terminal without echo, or from stdin for scripts (--password-stdin). */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from './cli-error.ts';

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function readPassword(
  prompt: string,
  options: { echo?: boolean; fromStdin?: boolean } = {},
): Promise<string> {
  if (options.fromStdin) return readAllStdin();
  if (!process.stdin.isTTY)
    throw new CliError(`${prompt.replace(/: $/, '').toLowerCase()} needed: no terminal to ask on`);
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      if (!options.echo) process.stderr.write('\n');
      resolve(answer);
    });
    muted = !options.echo;
  });
}

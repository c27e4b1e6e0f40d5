import { spawn } from 'node:child_process';
import { EngineError } from '../errors.ts';

/**
 * Runs one host tool (ip, nft, nsenter) with a script on stdin, the one way
 * the network module changes the kernel's state: a batch per change keeps it
 * to one process per step.
 */
export function runTool(cmd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', (e) =>
      reject(new EngineError('unavailable', `cannot run ${cmd}: ${e.message}`, { cause: e })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else
        reject(
          new EngineError('internal', `${cmd} ${args.join(' ')} failed: ${err.trim() || `exit ${code}`}`),
        );
    });
    // a tool that fails early closes its stdin: its exit status reports that, not EPIPE
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** `ip -batch -`, in the agent's network namespace or, given its path, in another one. */
export function ipBatch(lines: string[], netns?: string): Promise<string> {
  const input = `${lines.join('\n')}\n`;
  if (netns === undefined) return runTool('ip', ['-batch', '-'], input);
  return runTool('nsenter', [`--net=${netns}`, 'ip', '-batch', '-'], input);
}

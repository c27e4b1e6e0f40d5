import { spawn } from 'node:child_process';
import { type AgentUnderTest, DOCKER_CLI, type DockerResult } from './agent-under-test.ts';

/**
 * Runs a bash script against the agent, for what users type with pipes and
 * redirections (`docker save x | docker load`): $DOCKER is the CLI.
 */
export function dockerShell(
  agent: AgentUnderTest,
  script: string,
  timeoutMs = 30_000,
): Promise<DockerResult> {
  const child = spawn('bash', ['-o', 'pipefail', '-c', script], {
    env: { ...agent.env(), DOCKER: DOCKER_CLI },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before } from 'node:test';
import { openEngine } from '../../engine/engine.ts';
import { busyboxArchive } from '../../engine/images/testing/busybox-image.ts';
import type { NetworkOptions } from '../../engine/network/options.ts';
import { testNetworkOptions } from '../../engine/network/testing.ts';

export const DOCKER_CLI = process.env.BERTH_TEST_DOCKER_CLI ?? '/usr/local/bin/docker';

export interface DockerResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A real agent process on a throwaway data root and socket, with a busybox
 * image already in its store, driven by the real docker CLI. Containers it
 * ran are removed and its cgroup parent, bridges and nftables table deleted by
 * stop(), also after a failed test. Its network names are its own `berthtest…` ones.
 */
export interface AgentProcessOptions {
  /** run the agent inside this network namespace (a test host, `ip netns exec`) */
  netns?: string;
  /** more agent arguments (--control-plane, --join-token, --name) */
  args?: string[];
}

export class AgentUnderTest {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    private readonly child: ChildProcess,
    readonly cgroupParent: string,
    readonly network: NetworkOptions,
    private readonly processOptions: AgentProcessOptions = {},
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGKILL, as a crash or an OOM kill of the agent would. */
  kill9(): void {
    this.child.kill('SIGKILL');
  }

  /** A new agent process on the same data root and socket. */
  async restart(): Promise<AgentUnderTest> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await once(this.child, 'exit');
    }
    const child = AgentUnderTest.spawnAgent(
      join(this.dir, 'root'),
      this.socket,
      this.cgroupParent,
      this.network,
      this.processOptions,
    );
    await AgentUnderTest.ready(child);
    return new AgentUnderTest(
      this.dir,
      this.socket,
      child,
      this.cgroupParent,
      this.network,
      this.processOptions,
    );
  }

  private static spawnAgent(
    dataRoot: string,
    socket: string,
    cgroupParent: string,
    network: NetworkOptions,
    options: AgentProcessOptions,
  ): ChildProcess {
    const agent = [
      process.execPath,
      '--import',
      'tsx',
      join(import.meta.dirname, '../../main.ts'),
      '--data-root',
      dataRoot,
      '--docker-socket',
      socket,
      '--bridge',
      network.defaultBridge,
      '--bridge-subnet',
      network.defaultSubnet,
      '--address-pool',
      network.addressPool,
      '--nft-table',
      network.nftTable,
      '--interface-prefix',
      network.ifPrefix,
      ...(options.args ?? []),
    ];
    // only the network namespace is entered (`ip netns exec` would also remount /sys and hide the
    // cgroup hierarchy); nsenter execs the agent, so the child's pid is the agent's
    const [cmd, ...argv] = options.netns ? ['nsenter', `--net=/run/netns/${options.netns}`, ...agent] : agent;
    return spawn(cmd!, argv, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BERTH_CGROUP_PARENT: cgroupParent },
    });
  }

  private static async ready(child: ChildProcess): Promise<void> {
    const [line] = await Promise.race([
      once(child.stdout!, 'data'),
      once(child, 'exit').then(([code]) => {
        throw new Error(`agent exited with ${code} before it was ready`);
      }),
    ]);
    if (!String(line).includes('Docker API on')) throw new Error(`agent did not start: ${line}`);
    child.stdout!.resume();
  }

  static async start(
    options: { preloadBusybox?: boolean } & AgentProcessOptions = {},
  ): Promise<AgentUnderTest> {
    // short: monitor sockets live under <data root>/tasks/<64 hex>/
    const dir = await mkdtemp('/tmp/berthtest-');
    const dataRoot = join(dir, 'root');
    const cgroupParent = `berthtest-${randomBytes(4).toString('hex')}`;
    const network = testNetworkOptions();
    if (options.preloadBusybox ?? true) {
      const engine = await openEngine({ dataRoot, cgroupParent, network });
      await engine.images.load(Readable.from([busyboxArchive().archive]));
    }
    const socket = join(dir, 'docker.sock');
    const child = AgentUnderTest.spawnAgent(dataRoot, socket, cgroupParent, network, options);
    await AgentUnderTest.ready(child);
    return new AgentUnderTest(dir, socket, child, cgroupParent, network, options);
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DOCKER_HOST: `unix://${this.socket}`,
      DOCKER_CONFIG: join(this.dir, 'docker-config'),
    };
  }

  /** One raw HTTP request to the agent's socket, for what the CLI never sends (bad input). */
  request(
    method: string,
    path: string,
    body?: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socket, method, path, headers }, (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Runs the docker CLI; `tty` runs it under a pseudo-terminal (script), as a user at a terminal would. */
  docker(
    args: string[],
    options: { input?: string; tty?: boolean; timeoutMs?: number } = {},
  ): Promise<DockerResult> {
    const [cmd, argv] = options.tty
      ? [
          'script',
          [
            '-qec',
            // a wide terminal: the CLI draws progress bars only from 110 columns on
            `stty cols 200 2>/dev/null; ${[DOCKER_CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`,
            '/dev/null',
          ],
        ]
      : [DOCKER_CLI, args];
    const child = spawn(cmd, argv, { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else if (!options.tty) child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    return new Promise((resolve) => {
      child.on('close', (code) => {
        clearTimeout(timer);
        if (options.tty) child.stdin.destroy();
        resolve({ code, stdout, stderr });
      });
    });
  }

  /**
   * Removes every container (by the engine's own API), stops the agent by its
   * pid, removes its bridges, table and files. Returns the network objects of
   * this agent still on the host afterwards: none, unless cleanup failed.
   */
  async stop(): Promise<string[]> {
    const env = this.env();
    const ids = spawnSync(DOCKER_CLI, ['ps', '-aq', '--no-trunc'], { env, encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);
    if (ids.length > 0) spawnSync(DOCKER_CLI, ['rm', '-f', ...ids], { env });
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await once(this.child, 'exit');
    }
    const engine = await openEngine({
      dataRoot: join(this.dir, 'root'),
      cgroupParent: this.cgroupParent,
      network: this.network,
    });
    await engine.networks.teardown().catch(() => {});
    const leftovers = await engine.networks.leftovers();
    await engine.cgroups.removeParent().catch(() => {});
    await rm(dirname(engine.layout.tasks), { recursive: true, force: true });
    await rm(this.dir, { recursive: true, force: true });
    return leftovers;
  }
}

/**
 * A suite's agent, started before its tests and stopped after them (also when one fails);
 * `docker` runs the CLI against it.
 */
export function suiteAgent(options: Parameters<typeof AgentUnderTest.start>[0] = {}): {
  agent: () => AgentUnderTest;
  docker: (...args: string[]) => Promise<DockerResult>;
} {
  let agent: AgentUnderTest | undefined;
  before(async () => {
    agent = await AgentUnderTest.start(options);
  });
  after(async () => {
    await agent?.stop();
  });
  const current = () => {
    if (!agent) throw new Error('the suite’s agent has not started');
    return agent;
  };
  return { agent: current, docker: (...args) => current().docker(args) };
}

/**
 * Issue 5's figures: what bridge networking adds to a container's start over
 * `--network none` (target ≤ 5 ms), in the engine and through the docker CLI,
 * beside dockerd when Debian's docker.io is installed (its own bridge
 * `berthbench…`, no iptables) and rootful podman when installed; and TCP throughput through a published port
 * against straight to the container's address.
 *   node --import tsx bench/network-start.ts [runs]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { AgentUnderTest, DOCKER_CLI } from '../agent/src/docker-api/testing/agent-under-test.ts';
import { openEngine } from '../agent/src/engine/engine.ts';
import { busyboxArchive } from '../agent/src/engine/images/testing/busybox-image.ts';
import { testNetworkOptions } from '../agent/src/engine/network/testing.ts';
import { startDockerd } from './dockerd.ts';
import { msSince, quantile, report } from './stats.ts';

process.stdout.on('error', () => {});
const runs = Number(process.argv[2] ?? 30);

/** Engine only: containers.start() of `sleep`, none against bridge. */
async function engineStarts(): Promise<void> {
  const dir = mkdtempSync('/tmp/berthbench-');
  const engine = await openEngine({
    dataRoot: join(dir, 'root'),
    cgroupParent: `berthbench-${randomBytes(4).toString('hex')}`,
    network: testNetworkOptions(),
  });
  try {
    await engine.images.load(Readable.from([busyboxArchive().archive]));
    const times: Record<string, number[]> = { none: [], bridge: [] };
    for (let i = 0; i < runs + 3; i++) {
      for (const mode of ['none', 'bridge']) {
        const c = await engine.containers.create({
          image: 'busybox',
          cmd: ['sleep', '60'],
          network: { mode },
        });
        const t0 = process.hrtime.bigint();
        await engine.containers.start(c.id);
        if (i >= 3) times[mode]!.push(msSince(t0));
        await engine.containers.remove(c.id, { force: true });
      }
    }
    report('berth engine: start, --network none', times.none!);
    report('berth engine: start, bridge', times.bridge!);
    console.log(
      `berth engine: bridge adds ${(quantile(times.bridge!, 0.5) - quantile(times.none!, 0.5)).toFixed(1)} ms (median)`,
    );
  } finally {
    for (const c of engine.containers.list())
      await engine.containers.remove(c.id, { force: true }).catch(() => {});
    await engine.networks.teardown().catch(() => {});
    await engine.cgroups.removeParent().catch(() => {});
    rmSync(dirname(engine.layout.tasks), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `docker run -d busybox sleep` (or podman's), none against the default bridge. */
function cliStarts(name: string, env: NodeJS.ProcessEnv, [cli, ...base]: string[] = [DOCKER_CLI]): void {
  const times: Record<string, number[]> = { none: [], bridge: [] };
  for (let i = 0; i < runs + 3; i++) {
    for (const mode of ['none', 'bridge']) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cli!, [...base, 'run', '-d', '--network', mode, 'busybox', 'sleep', '60'], {
        env,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${name} run failed: ${r.stderr}`);
      if (i >= 3) times[mode]!.push(msSince(t0));
      spawnSync(cli!, [...base, 'rm', '-f', r.stdout.trim()], { env });
    }
  }
  report(`${name}: run -d, --network none`, times.none!);
  report(`${name}: run -d, bridge`, times.bridge!);
  console.log(
    `${name}: bridge adds ${(quantile(times.bridge!, 0.5) - quantile(times.none!, 0.5)).toFixed(1)} ms (median)`,
  );
}

/** MB/s of 256 MiB sent to host:port, read to /dev/null in the container. */
function throughput(host: string, port: number): Promise<number> {
  const chunk = Buffer.alloc(1 << 20);
  const total = 256;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const s = connect({ host, port }, () => {
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent++;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    });
    s.on('close', () => resolve(total / (msSince(t0) / 1000)));
    s.on('error', reject);
    s.resume();
  });
}

async function berthCli(): Promise<void> {
  const agent = await AgentUnderTest.start();
  try {
    cliStarts('berth', agent.env());
    const speeds: Record<string, number[]> = { published: [], direct: [] };
    for (let i = 0; i < 5; i++) {
      const run = (...args: string[]) =>
        execFileSync(DOCKER_CLI, args, { env: agent.env(), encoding: 'utf8' }).trim();
      const id = run(
        'run',
        '-d',
        '-p',
        '127.0.0.1:18500:80',
        'busybox',
        'sh',
        '-c',
        'nc -ll -p 80 -e sh -c "cat >/dev/null"',
      );
      const ip = run('inspect', '-f', '{{.NetworkSettings.IPAddress}}', id);
      await new Promise((r) => setTimeout(r, 300));
      speeds.published!.push(await throughput('127.0.0.1', 18500));
      speeds.direct!.push(await throughput(ip, 80));
      run('rm', '-f', id);
    }
    report('berth: TCP to 127.0.0.1 published port', speeds.published!, 'MB/s');
    report('berth: TCP to the container address', speeds.direct!, 'MB/s');
  } finally {
    await agent.stop();
  }
}

/**
 * Rootful podman (netavark) beside Docker when installed, in a storage of its
 * own that goes afterwards; its podman0 bridge goes too when it made it.
 */
function podmanStarts(): void {
  if (spawnSync('podman', ['--version']).status !== 0) {
    console.log('podman: not installed (apt-get install -y podman to compare)');
    return;
  }
  const hadBridge = spawnSync('ip', ['link', 'show', 'podman0']).status === 0;
  const dir = mkdtempSync('/tmp/berthbench-podman-');
  const cli = ['podman', '--root', join(dir, 'root'), '--runroot', join(dir, 'run')];
  try {
    writeFileSync(join(dir, 'busybox.tar'), busyboxArchive().archive);
    execFileSync(cli[0]!, [...cli.slice(1), 'load', '-i', join(dir, 'busybox.tar')], { stdio: 'ignore' });
    cliStarts('podman', process.env, cli);
  } catch (err) {
    // e.g. a sandbox where crun may not set the rlimits podman asks for
    console.log(`podman: cannot run here: ${(err as Error).message.trim()}`);
  } finally {
    spawnSync(cli[0]!, [...cli.slice(1), 'rm', '-af']);
    spawnSync(cli[0]!, [...cli.slice(1), 'system', 'reset', '-f']);
    if (!hadBridge) spawnSync('ip', ['link', 'del', 'podman0']);
    rmSync(dir, { recursive: true, force: true });
  }
}

await engineStarts();
await berthCli();
podmanStarts();
const bridge = `berthbench${randomBytes(2).toString('hex')}`;
execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
try {
  execFileSync('ip', ['addr', 'add', '10.238.0.1/24', 'dev', bridge]);
  execFileSync('ip', ['link', 'set', bridge, 'up']);
  const dockerd = await startDockerd([
    '--bridge',
    bridge,
    '--iptables=false',
    '--ip-masq=false',
    '--ip-forward=false',
  ]);
  if (dockerd === undefined) console.log('dockerd: not installed (apt-get install -y docker.io to compare)');
  else {
    try {
      spawnSync(DOCKER_CLI, ['load'], { env: dockerd.env, input: busyboxArchive().archive });
      cliStarts('dockerd', dockerd.env);
    } finally {
      await dockerd.stop();
    }
  }
} finally {
  execFileSync('ip', ['link', 'del', bridge]);
}
process.exit(0);

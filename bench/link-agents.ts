/**
 * The control plane under many agents: simulated agents (link connections from this one
 * process, with the real hello, a full state report and heartbeats every 20 s) against one
 * control-plane process. Reports how many are connected, the control plane's CPU at steady
 * state, and how long listing 10,000 containers across 100 hosts takes over tRPC.
 *   node --import tsx bench/link-agents.ts [agents=10000] [steady seconds=45]
 * Not a test. Uses a throwaway PostgreSQL under /tmp/berthtest-db-*.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createPrismaClient } from '@berth/db';
import { startTestDatabase } from '@berth/db/testing';
import { type ContainerSummary, HEARTBEAT_INTERVAL_MS, type HostState, LINK_PATH } from '@berth/protocol';
import WebSocket from 'ws';
import { hashSecret } from '../apps/web/src/server/auth/secret-token.ts';
import { createSession } from '../apps/web/src/server/auth/sessions.ts';
import { loadConfig } from '../apps/web/src/server/config.ts';
import { startControlPlane } from '../apps/web/src/server/control-plane.ts';
import { msSince, report } from './stats.ts';

const HOSTS_WITH_CONTAINERS = 100;
const CONTAINERS_PER_HOST = 100;

function stateOf(i: number): HostState {
  const containers: ContainerSummary[] = [];
  const count = i < HOSTS_WITH_CONTAINERS ? CONTAINERS_PER_HOST : 0;
  for (let c = 0; c < count; c++) {
    containers.push({
      id: `${i.toString(16).padStart(8, '0')}${c.toString(16).padStart(56, '0')}`,
      name: `bench-${i}-${c}`,
      image: c % 2 ? 'nginx:1.27' : 'redis:7',
      imageId: `sha256:${'a'.repeat(64)}`,
      command: 'sleep infinity',
      createdAt: new Date(Date.now() - c * 1000).toISOString(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      status: c % 10 === 0 ? 'exited' : 'running',
      exitCode: 0,
      labels: { app: `app-${c % 7}` },
      ports: c % 3 === 0 ? [{ hostIp: '', hostPort: 8000 + c, containerPort: 80, protocol: 'tcp' }] : [],
    });
  }
  return {
    containers,
    images: [
      {
        id: `sha256:${'b'.repeat(64)}`,
        repoTags: ['redis:7'],
        sizeBytes: 1e8,
        createdAt: new Date().toISOString(),
      },
    ],
    volumes: [],
    networks: [],
    stats: {
      load1: 0.2,
      cpuPercent: 12,
      containers: [],
      memoryTotalBytes: 8e9,
      memoryAvailableBytes: 4e9,
      containersRunning: count,
      uptimeSeconds: 1000,
    },
  };
}

/** utime + stime of a process, in seconds */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function connectAgent(url: string, hostId: string, credential: string, i: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url + LINK_PATH, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () =>
      ws.send(
        JSON.stringify({
          type: 'hello',
          auth: { kind: 'host', hostId, credential },
          host: {
            hostname: `bench-${i}`,
            os: 'Linux',
            kernel: '6.1',
            arch: 'x64',
            cpus: 4,
            memoryBytes: 8e9,
            agentVersion: 'bench',
          },
        }),
      ),
    );
    ws.once('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string };
      if (m.type !== 'welcome') return reject(new Error(`agent ${i}: ${String(data)}`));
      ws.send(JSON.stringify({ type: 'state', state: stateOf(i) }));
      // heartbeats at the real interval, spread over it as real agents' start times are
      setTimeout(() => {
        const beat = () =>
          ws.readyState === WebSocket.OPEN &&
          ws.send(JSON.stringify({ type: 'heartbeat', sentAt: Date.now() }));
        beat();
        setInterval(beat, HEARTBEAT_INTERVAL_MS).unref();
      }, Math.random() * HEARTBEAT_INTERVAL_MS).unref();
      resolve(ws);
    });
  });
}

async function drive(agents: number, steadySeconds: number): Promise<void> {
  const dbh = await startTestDatabase();
  const db = createPrismaClient(dbh.url);
  let server: ChildProcess | undefined;
  const sockets: WebSocket[] = [];
  try {
    const creds = Array.from({ length: agents }, (_, i) => `host_bench_credential_${i}_${'x'.repeat(16)}`);
    for (let at = 0; at < agents; at += 1000) {
      await db.host.createMany({
        data: creds.slice(at, at + 1000).map((c, k) => ({
          id: `bench-host-${String(at + k).padStart(5, '0')}`,
          name: `bench-${String(at + k).padStart(5, '0')}`,
          hostname: 'bench',
          os: 'Linux',
          kernel: '6.1',
          arch: 'x64',
          cpus: 4,
          memoryBytes: 8n << 30n,
          agentVersion: 'bench',
          credentialHash: hashSecret(c),
        })),
      });
    }
    server = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve', dbh.url, dbh.dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = await once(server.stdout!, 'data');
    const { url } = JSON.parse(String(line)) as { url: string };
    const pid = server.pid!;

    const t0 = process.hrtime.bigint();
    const cpu0 = cpuSeconds(pid);
    let failed = 0;
    let firstError = '';
    for (let at = 0; at < agents; at += 200) {
      const batch = await Promise.allSettled(
        creds
          .slice(at, at + 200)
          .map((c, k) => connectAgent(url, `bench-host-${String(at + k).padStart(5, '0')}`, c, at + k)),
      );
      for (const r of batch) {
        if (r.status === 'fulfilled') sockets.push(r.value);
        else {
          failed++;
          firstError ||= String(r.reason);
        }
      }
    }
    const connectMs = msSince(t0);
    console.log(
      `connected ${sockets.length} in ${(connectMs / 1000).toFixed(1)} s; waiting for their state to be stored`,
    );
    // wait until every state report is stored
    const expected = Math.min(agents, HOSTS_WITH_CONTAINERS) * CONTAINERS_PER_HOST;
    while ((await db.hostContainer.count()) < expected) await new Promise((r) => setTimeout(r, 250));
    const settledMs = msSince(t0);
    const cpuConnect = cpuSeconds(pid) - cpu0;
    console.log(
      `agents: ${sockets.length} connected, ${failed} failed${firstError ? ` (first: ${firstError})` : ''}`,
    );
    console.log(
      `connect + hello + state of all: ${(connectMs / 1000).toFixed(1)} s; all state stored after ${(settledMs / 1000).toFixed(1)} s (${cpuConnect.toFixed(1)} CPU s)`,
    );
    console.log(`online in the database: ${await db.host.count({ where: { status: 'online' } })}`);

    const c1 = cpuSeconds(pid);
    const w1 = Date.now();
    await new Promise((r) => setTimeout(r, steadySeconds * 1000));
    const busy = (cpuSeconds(pid) - c1) / ((Date.now() - w1) / 1000);
    console.log(
      `steady state over ${steadySeconds} s (heartbeats every ${HEARTBEAT_INTERVAL_MS / 1000} s): control plane CPU ${(busy * 100).toFixed(1)} % of one core`,
    );
    const rss = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
    console.log(`control plane memory: ${rss.toFixed(0)} MiB resident`);

    const user = await db.user.create({
      data: { username: 'bench-admin', passwordHash: 'x', role: 'admin' },
    });
    const { token } = await createSession(db, { userId: user.id, lifetimeMs: 600_000 });
    const listUrl = `${url}/api/trpc/containers.list?input=${encodeURIComponent(JSON.stringify({ limit: 10_000 }))}`;
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 12; i++) {
      const t = process.hrtime.bigint();
      const res = await fetch(listUrl, { headers: { cookie: `berth_session=${token}` } });
      rows = ((await res.json()) as { result: { data: unknown[] } }).result.data.length;
      if (i >= 2) times.push(msSince(t)); // the first two warm the query plan and the JIT
    }
    report(
      `containers.list over HTTP (${rows} rows, ${Math.min(agents, HOSTS_WITH_CONTAINERS)} hosts)`,
      times,
    );
  } finally {
    for (const ws of sockets) ws.terminate();
    if (server?.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    await db.$disconnect();
    await dbh.stop();
  }
}

if (process.argv[2] === '--serve') {
  // the control plane, in its own process so its CPU is measured alone
  const cp = await startControlPlane({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', BERTH_DATA: process.argv[4]! }),
    databaseUrl: process.argv[3]!,
    log: (m) => console.error(`control plane: ${m}`),
    pages: false,
  });
  console.log(JSON.stringify({ url: cp.url }));
  process.on('SIGTERM', () => void cp.close().then(() => process.exit(0)));
} else {
  await drive(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 45));
}

/**
 * For tests only: a control plane on a berthtest bridge with real PostgreSQL, and real agents,
 * each in its own network namespace, joined to it. `stop()` removes everything, also after a
 * failed test.
 */
import { startTestDatabase, type TestDatabase } from '@berth/db/testing';
import { AgentUnderTest } from '../../../../../../agent/src/docker-api/testing/agent-under-test.ts';
import { loadConfig } from '../../config.ts';
import { type ControlPlane, startControlPlane } from '../../control-plane.ts';
import { createJoinToken } from '../../hosts/create-join-token.ts';
import { createTestNetwork, type TestNetwork } from './test-network.ts';

export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class TestHosts {
  cp!: ControlPlane;
  readonly agents: AgentUnderTest[] = [];
  readonly hostIds: string[] = [];
  readonly admin = { id: '', username: 'berthtest-admin', role: 'admin' as const };
  private db: TestDatabase | undefined;
  net: TestNetwork | undefined;

  startControlPlane(port = 0): Promise<ControlPlane> {
    const { db, net } = this;
    if (!db || !net) throw new Error('not started');
    return startControlPlane({
      config: loadConfig({ PORT: String(port), HOST: net.bridgeAddress, BERTH_DATA: db.dir }),
      databaseUrl: db.url,
      log: () => {},
      pages: false,
    });
  }

  /** `prepare`: runs once the bridge is up (a registry on it) and gives more flags for every agent */
  async start(
    count: number,
    prepare: (net: TestNetwork) => Promise<string[]> = async () => [],
  ): Promise<void> {
    this.db = await startTestDatabase();
    this.net = createTestNetwork();
    const agentArgs = await prepare(this.net);
    this.cp = await this.startControlPlane();
    const user = await this.cp.deps.db.user.create({
      data: { username: this.admin.username, passwordHash: 'x', role: 'admin' },
    });
    this.admin.id = user.id;
    for (let n = 1; n <= count; n++) {
      const ns = this.net.addHost(n);
      const { token } = await createJoinToken(this.cp.deps.db, { createdBy: null, ttlMs: 60_000 });
      this.agents.push(
        await AgentUnderTest.start({
          netns: ns,
          args: [
            '--control-plane',
            this.cp.url,
            '--join-token',
            token,
            '--name',
            `berthtest-host-${n}`,
            ...agentArgs,
          ],
        }),
      );
    }
    const { cp } = this;
    const hosts = await until('every host online', async () => {
      const rows = await cp.deps.db.host.findMany({ where: { status: 'online' }, orderBy: { name: 'asc' } });
      return rows.length === count && rows.every((h) => cp.deps.gateway.isConnected(h.id)) && rows;
    });
    this.hostIds.push(...hosts.map((h) => h.id));
  }

  async stop(): Promise<void> {
    for (const a of this.agents) await a.stop().catch(() => {});
    await this.cp?.close();
    this.net?.remove();
    await this.db?.stop();
  }
}

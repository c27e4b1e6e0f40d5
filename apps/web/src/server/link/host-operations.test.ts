/**
 * Host operations through the control plane against two real agents in their own network
 * namespaces: terminal sessions (reattach, replay, several viewers, close ends the process),
 * live updates, images (remove, load a docker-save tarball, list) and volumes, and the tRPC
 * routers over HTTP with their access checks.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { busyboxArchive } from '../../../../../agent/src/engine/images/testing/busybox-image.ts';
import { createSession } from '../auth/sessions.ts';
import { runContainer } from '../containers/container-actions.ts';
import { listContainers } from '../containers/list-containers.ts';
import type { ControlPlane } from '../control-plane.ts';
import {
  createVolume,
  listImages,
  listVolumes,
  loadImage,
  removeImage,
  removeVolume,
} from '../images/image-volume-actions.ts';
import { listNetworks } from '../networks/list-networks.ts';
import { createNetwork, removeNetwork } from '../networks/network-actions.ts';
import type { TerminalEvent } from '../terminals/terminal-sessions.ts';
import { readSubscriptionUntilError } from '../testing/sse-error.ts';
import { TestHosts, until } from './testing/test-hosts.ts';

/** Collects a viewer's output until the signal aborts or the session ends. */
function view(cp: ControlPlane, sessionId: string, from?: number) {
  const abort = new AbortController();
  const seen = { text: '', events: [] as TerminalEvent[] };
  const done = (async () => {
    for await (const e of cp.deps.terminals.watch(sessionId, from, abort.signal)) {
      seen.events.push(e);
      if (e.type === 'output') seen.text += Buffer.from(e.data, 'base64').toString();
    }
  })();
  return { seen, done, leave: () => abort.abort() };
}

describe('host operations through the control plane', { timeout: 240_000 }, () => {
  const hosts = new TestHosts();
  let cp: ControlPlane;

  before(async () => {
    await hosts.start(2);
    cp = hosts.cp;
    await cp.deps.gateway.call(hosts.hostIds[0]!, 'containers.run', {
      image: 'busybox',
      name: 'berthtest-term',
      cmd: ['sleep', '1000'],
    });
  });
  after(() => hosts.stop());

  test('a terminal session survives its viewer leaving, replays to a new one, serves two, and closing ends it', async () => {
    const [hostId] = hosts.hostIds;
    const session = await cp.deps.terminals.open(hosts.admin, {
      hostId: hostId!,
      containerId: 'berthtest-term',
      cmd: ['sh'],
      rows: 24,
      cols: 80,
    });
    const first = view(cp, session.id);
    await cp.deps.terminals.input(session.id, Buffer.from('echo hello-$((6*7))\n'));
    await until('first viewer sees the echo', async () => first.seen.text.includes('hello-42'));
    first.leave(); // a page reload
    await first.done;
    await cp.deps.terminals.input(session.id, Buffer.from('echo while-away-$((1+1))\n'));
    const second = view(cp, session.id, 0);
    const third = view(cp, session.id);
    await until(
      'reattached viewer gets the replay',
      async () => second.seen.text.includes('hello-42') && second.seen.text.includes('while-away-2'),
    );
    await cp.deps.terminals.input(session.id, Buffer.from('echo both-$((2+3))\n'));
    await until(
      'both viewers see live output',
      async () => second.seen.text.includes('both-5') && third.seen.text.includes('both-5'),
    );
    const shells = async () =>
      (await cp.deps.gateway.call(hostId!, 'containers.top', { id: 'berthtest-term' })).processes.filter(
        (p) => p.at(-1)?.startsWith('sh'),
      ).length;
    assert.equal(await shells(), 1);
    await cp.deps.terminals.close(hosts.admin, session.id);
    await Promise.all([second.done, third.done]);
    assert.equal(second.seen.events.at(-1)?.type, 'exit');
    assert.equal(third.seen.events.at(-1)?.type, 'exit');
    await until('the shell is gone on the host', async () => (await shells()) === 0);
    const audit = await cp.deps.db.auditLog.findMany({
      where: { action: { in: ['container.exec', 'terminal.close'] } },
    });
    assert.deepEqual(audit.map((a) => a.action).sort(), ['container.exec', 'terminal.close']);
  });

  test('a change on a host reaches live subscribers after it is stored', async () => {
    const abort = new AbortController();
    const changes = cp.deps.hostFeed.changes(abort.signal);
    const next = changes.next();
    await cp.deps.gateway.call(hosts.hostIds[1]!, 'containers.run', {
      image: 'busybox',
      name: 'berthtest-live',
      cmd: ['true'],
      start: false,
    });
    const { value } = await next;
    assert.equal(value?.hostId, hosts.hostIds[1]);
    assert.ok(value?.kinds.includes('containers'));
    const stored = await cp.deps.db.hostContainer.findMany({ where: { name: 'berthtest-live' } });
    assert.equal(stored.length, 1);
    abort.abort();
    await changes.return(undefined);
  });

  test('images: removed on one host, loaded back from a docker-save tarball through the link', async () => {
    const hostId = hosts.hostIds[1]!;
    await cp.deps.gateway.call(hostId, 'containers.remove', { id: 'berthtest-live', force: true });
    const tagged = async () =>
      (await listImages(cp.deps.db, { hostId })).some((i) => i.repoTags.includes('busybox:latest'));
    assert.ok(await tagged());
    const removed = await removeImage(cp.deps, hosts.admin, { hostId, ref: 'busybox', force: false });
    assert.ok(removed.untagged.includes('busybox:latest'));
    await until('image gone from the stored list', async () => !(await tagged()));
    const { archive } = busyboxArchive();
    const loaded = await loadImage(cp.deps, hosts.admin, { hostId, archive: Readable.from([archive]) });
    assert.deepEqual(loaded.images[0]?.tags, ['busybox:latest']);
    await until('image back in the stored list', tagged);
    // the other host was never touched
    assert.ok((await listImages(cp.deps.db, { hostId: hosts.hostIds[0] })).length > 0);
  });

  test('volumes: created, listed from the stored state, removed', async () => {
    const hostId = hosts.hostIds[0]!;
    await createVolume(cp.deps, hosts.admin, { hostId, name: 'berthtest-data', labels: { team: 'a' } });
    await until('volume listed', async () =>
      (await listVolumes(cp.deps.db, {})).some((v) => v.name === 'berthtest-data' && v.hostId === hostId),
    );
    await removeVolume(cp.deps, hosts.admin, { hostId, name: 'berthtest-data', force: false });
    await until(
      'volume gone',
      async () => !(await listVolumes(cp.deps.db, {})).some((v) => v.name === 'berthtest-data'),
    );
  });

  test('networks: the default bridge is reported; one is created and removed through the control plane, audited, bad input refused', async () => {
    const hostId = hosts.hostIds[1]!;
    const names = async () =>
      (await listNetworks(cp.deps.db, { hostId })).map((n) => `${n.name} ${n.driver} ${n.subnet}`);
    await until('the default bridge reported', async () =>
      (await names()).some((n) => n.startsWith('bridge bridge ')),
    );
    const made = await createNetwork(cp.deps, hosts.admin, {
      hostId,
      name: 'berthtest-net',
      subnet: '10.236.7.0/24',
    });
    assert.equal(made.subnet, '10.236.7.0/24');
    await until('the new network reported', async () =>
      (await names()).includes('berthtest-net bridge 10.236.7.0/24'),
    );
    // the engine's own refusal comes back as is: the subnet is taken
    await assert.rejects(
      createNetwork(cp.deps, hosts.admin, { hostId, name: 'berthtest-net2', subnet: '10.236.7.0/25' }),
      /overlap/,
    );
    const inspect = await hosts.agents[1]!.docker(['network', 'inspect', '-f', '{{.Name}}', 'berthtest-net']);
    assert.equal(inspect.stdout, 'berthtest-net\n', 'the network is real on the host');
    await removeNetwork(cp.deps, hosts.admin, { hostId, ref: 'berthtest-net' });
    await until(
      'its removal reported',
      async () => !(await names()).some((n) => n.startsWith('berthtest-net ')),
    );
    const audit = await cp.deps.db.auditLog.findMany({
      where: { action: { in: ['network.create', 'network.remove'] }, hostId },
      orderBy: { at: 'asc' },
    });
    assert.deepEqual(
      audit.map((a) => `${a.action} ${a.target} ${a.result}`),
      [
        'network.create berthtest-net success',
        'network.create berthtest-net2 failure',
        'network.remove berthtest-net success',
      ],
    );
  });

  test('run with published ports, a volume, a network and limits: the container has them all', async () => {
    const hostId = hosts.hostIds[1]!;
    await createNetwork(cp.deps, hosts.admin, { hostId, name: 'berthtest-runnet' });
    const { id } = await runContainer(cp.deps, hosts.admin, hostId, {
      image: 'busybox',
      name: 'berthtest-full',
      cmd: ['sh', '-c', 'echo kept > /data/file; sleep 300'],
      ports: [{ containerPort: 80, hostPort: 18480 }],
      mounts: [{ type: 'volume', source: 'berthtest-runvol', target: '/data' }],
      network: 'berthtest-runnet',
      memoryBytes: 64 * 1024 * 1024,
      nanoCpus: 500_000_000,
      pidsLimit: 50,
    });
    const c = (await cp.deps.gateway.call(hostId, 'containers.inspect', { id })) as {
      HostConfig: {
        Memory: number;
        NanoCpus: number;
        CpuQuota: number;
        PidsLimit: number;
        NetworkMode: string;
      };
      NetworkSettings: { Ports: Record<string, { HostPort: string }[]>; Networks: Record<string, unknown> };
      Mounts: { Name?: string; Destination: string }[];
    };
    assert.equal(c.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(c.HostConfig.PidsLimit, 50);
    assert.equal(c.HostConfig.CpuQuota, 50_000, '--cpus 0.5: half of each 100 ms period');
    assert.deepEqual(
      c.NetworkSettings.Ports['80/tcp']?.map((b) => b.HostPort),
      ['18480'],
    );
    assert.deepEqual(Object.keys(c.NetworkSettings.Networks), ['berthtest-runnet']);
    assert.ok(c.Mounts.some((m) => m.Name === 'berthtest-runvol' && m.Destination === '/data'));
    await cp.deps.gateway.call(hostId, 'containers.remove', { id, force: true });
    await cp.deps.gateway.call(hostId, 'volumes.remove', { name: 'berthtest-runvol', force: true });
    await removeNetwork(cp.deps, hosts.admin, { hostId, ref: 'berthtest-runnet' });
  });

  test('the container list carries each running container’s CPU and memory from the host’s reports', async () => {
    const hostId = hosts.hostIds[1]!;
    await runContainer(cp.deps, hosts.admin, hostId, {
      image: 'busybox',
      name: 'berthtest-busy',
      cmd: ['sh', '-c', 'while :; do :; done'],
    });
    const row = async () =>
      (
        await listContainers(
          cp.deps.db,
          { hostId, search: 'berthtest-busy' },
          { reportOf: (id) => cp.deps.gateway.hostStats(id), cache: cp.deps.containerList },
        )
      )[0];
    // every report after the first measures CPU since the one before; any event sends one
    const busy = await until('a CPU share reported', async () => {
      await cp.deps.gateway.call(hostId, 'containers.top', { id: 'berthtest-busy' });
      await cp.deps.gateway.call(hostId, 'volumes.create', { name: 'berthtest-tick', labels: {} });
      await cp.deps.gateway.call(hostId, 'volumes.remove', { name: 'berthtest-tick', force: true });
      const r = await row();
      return r && (r.cpuPercent ?? 0) > 20 && r;
    });
    assert.ok((busy.memoryBytes ?? 0) > 0, 'memory in use reported');
    await cp.deps.gateway.call(hostId, 'containers.remove', { id: 'berthtest-busy', force: true });
    await until('a removed container has no row', async () => (await row()) === undefined);
  });

  test('an operator may run containers and mount volumes, but not a host path, nor make networks', async () => {
    const operator = await cp.deps.db.user.create({
      data: { username: 'berthtest-operator', passwordHash: 'x', role: 'operator' },
    });
    await cp.deps.db.hostGroup.create({
      data: {
        name: 'berthtest-operated',
        hosts: { create: [{ hostId: hosts.hostIds[1]! }] },
        grants: { create: [{ userId: operator.id, role: 'operator' }] },
      },
    });
    const { token } = await createSession(cp.deps.db, { userId: operator.id, lifetimeMs: 60_000 });
    const post = (path: string, body: unknown) =>
      fetch(`${cp.url}/api/v1${path}`, {
        method: 'POST',
        headers: { cookie: `berth_session=${token}`, origin: cp.url, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const hostId = hosts.hostIds[1]!;
    const bind = await post(`/hosts/${hostId}/containers`, {
      image: 'busybox',
      name: 'berthtest-escape',
      cmd: ['true'],
      mounts: [{ type: 'bind', source: '/', target: '/host' }],
    });
    assert.equal(bind.status, 403, 'a host path is the host itself: the manage right, not run');
    const net = await post(`/hosts/${hostId}/networks`, { name: 'berthtest-opnet' });
    assert.equal(net.status, 403);
    const volume = await post(`/hosts/${hostId}/containers`, {
      image: 'busybox',
      name: 'berthtest-opvol',
      cmd: ['true'],
      mounts: [{ type: 'volume', source: 'berthtest-opvol', target: '/data' }],
      start: false,
    });
    assert.equal(volume.status, 200, await volume.text());
    const names = (await cp.deps.gateway.call(hostId, 'containers.list', { all: true })).map((c) => c.name);
    assert.ok(!names.includes('berthtest-escape'), 'the refused run made nothing');
    await cp.deps.gateway.call(hostId, 'containers.remove', { id: 'berthtest-opvol', force: true });
    await cp.deps.gateway.call(hostId, 'volumes.remove', { name: 'berthtest-opvol', force: true });
  });

  test('tRPC over HTTP: a viewer lists containers across hosts but may not stop one; no session, no answer', async () => {
    const viewer = await cp.deps.db.user.create({
      data: { username: 'berthtest-viewer', passwordHash: 'x', role: 'viewer' },
    });
    // a global viewer sees only the hosts a grant gives it: both test hosts, as viewer
    await cp.deps.db.hostGroup.create({
      data: {
        name: 'berthtest-viewed',
        hosts: { create: hosts.hostIds.map((hostId) => ({ hostId })) },
        grants: { create: [{ userId: viewer.id, role: 'viewer' }] },
      },
    });
    const { token } = await createSession(cp.deps.db, { userId: viewer.id, lifetimeMs: 60_000 });
    const headers = { cookie: `berth_session=${token}`, origin: cp.url, 'content-type': 'application/json' };
    const list = await fetch(
      `${cp.url}/api/trpc/containers.list?input=${encodeURIComponent('{"search":"berthtest-term"}')}`,
      {
        headers,
      },
    );
    assert.equal(list.status, 200);
    const rows = ((await list.json()) as { result: { data: { name: string; hostName: string }[] } }).result
      .data;
    assert.deepEqual(
      rows.map((r) => [r.name, r.hostName]),
      [['berthtest-term', 'berthtest-host-1']],
    );
    const stop = await fetch(`${cp.url}/api/trpc/containers.action`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ hostId: hosts.hostIds[0], id: 'berthtest-term', action: 'stop' }),
    });
    assert.equal(stop.status, 403);
    // a caller without the right is refused once (FORBIDDEN ends an event stream; an internal
    // error would make the browser reconnect forever)
    const outsider = await cp.deps.db.user.create({
      data: { username: 'berthtest-outsider', passwordHash: 'x', role: 'viewer' },
    });
    const session = await createSession(cp.deps.db, { userId: outsider.id, lifetimeMs: 60_000 });
    const logsInput = encodeURIComponent(JSON.stringify({ hostId: hosts.hostIds[0], id: 'berthtest-term' }));
    const refused = await readSubscriptionUntilError(
      `${cp.url}/api/trpc/containers.logs?input=${logsInput}`,
      {
        cookie: `berth_session=${session.token}`,
        origin: cp.url,
      },
    );
    assert.match(refused, /FORBIDDEN/);
    const anonymous = await fetch(`${cp.url}/api/trpc/containers.list`);
    assert.equal(anonymous.status, 401);
    const running = await cp.deps.gateway.call(hosts.hostIds[0]!, 'containers.inspect', {
      id: 'berthtest-term',
    });
    assert.equal((running.State as { Status: string }).Status, 'running');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { TestHost } from '../engine/network/test-host.ts';
import { startServerIn, tcpRead, tcpReadOnce, udpAsk } from '../engine/network/testing-servers.ts';
import { AgentUnderTest } from './testing/agent-under-test.ts';

/** The host's own non-loopback IPv4 address (not one of the test bridges). */
function hostAddress(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (name === 'lo' || name.startsWith('berth')) continue;
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  throw new Error('no host address');
}

/** Bridge networking through the docker CLI: addresses, published ports, outbound NAT, cleanup. */
describe('docker CLI: bridge network and published ports', () => {
  let agent: AgentUnderTest;
  let remote: TestHost;
  before(async () => {
    agent = await AgentUnderTest.start();
    remote = await TestHost.create();
  });
  after(async () => {
    await remote?.remove();
    if (agent) assert.deepEqual(await agent.stop(), [], 'no bridge, veth or table of the agent is left');
  });
  const docker = (...args: string[]) => agent.docker(args);

  test('a container gets an address of the default network, a MAC from it, a default route', async () => {
    const r = await docker(
      'run',
      '--rm',
      'busybox',
      'sh',
      '-c',
      'ip -4 addr show eth0; ip link show eth0; ip route',
    );
    assert.equal(r.code, 0, r.stderr);
    const subnet = agent.network.defaultSubnet.replace(/\.0\/24$/, '');
    const ip = new RegExp(`inet (${subnet.replace(/\./g, '\\.')}\\.\\d+)/24`).exec(r.stdout)?.[1];
    assert.ok(ip, r.stdout);
    const mac = `02:b7:${ip
      .split('.')
      .map((n) => Number(n).toString(16).padStart(2, '0'))
      .join(':')}`;
    assert.match(r.stdout, new RegExp(`link/ether ${mac}`));
    assert.match(r.stdout, new RegExp(`default via ${subnet.replace(/\./g, '\\.')}\\.1 dev eth0`));
    assert.match(r.stdout, /mtu 1500/);
  });

  test('published TCP port: reached on 127.0.0.1, on the host address, and from another host', async () => {
    const id = (
      await docker(
        'run',
        '-d',
        '-p',
        '18080:80',
        '-p',
        '127.0.0.1::81',
        'busybox',
        'sh',
        '-c',
        'nc -ll -p 80 -e echo hello & nc -ll -p 81 -e echo local',
      )
    ).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(await tcpRead('127.0.0.1', 18080), 'hello\n');
    assert.equal(await tcpRead(hostAddress(), 18080), 'hello\n');
    assert.equal(await remote.exec(['busybox', 'nc', remote.hostAddress, '18080']), 'hello\n');
    const hairpin = await docker('run', '--rm', 'busybox', 'nc', hostAddress(), '18080');
    assert.equal(hairpin.stdout, 'hello\n', `another container through the host address: ${hairpin.stderr}`);
    const port = await docker('port', id);
    const local = /^81\/tcp -> 127\.0\.0\.1:(\d+)$/m.exec(port.stdout);
    assert.ok(local, port.stdout);
    assert.match(port.stdout, /^80\/tcp -> 0\.0\.0\.0:18080$/m);
    assert.equal(await tcpRead('127.0.0.1', Number(local[1])), 'local\n');
    const ps = await docker('ps', '--format', '{{.Ports}}');
    assert.match(ps.stdout, /0\.0\.0\.0:18080->80\/tcp/);
    const [inspect] = JSON.parse((await docker('inspect', id)).stdout);
    assert.deepEqual(inspect.NetworkSettings.Ports['80/tcp'], [{ HostIp: '0.0.0.0', HostPort: '18080' }]);
    assert.match(inspect.NetworkSettings.IPAddress, /^10\./);
    assert.equal(inspect.NetworkSettings.Networks.bridge.IPAddress, inspect.NetworkSettings.IPAddress);
    // the port is held: a second container cannot have it, and nothing of it stays behind
    const clash = await docker('run', '-d', '-p', '18080:80', 'busybox', 'sleep', '30');
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, /port is already allocated/);
    await docker('rm', '-f', id);
    const again = await docker(
      'run',
      '-d',
      '-p',
      '18080:80',
      'busybox',
      'sh',
      '-c',
      'nc -ll -p 80 -e echo again',
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await tcpRead('127.0.0.1', 18080), 'again\n');
    await docker('rm', '-f', again.stdout.trim());
    await assert.rejects(
      tcpReadOnce('127.0.0.1', 18080),
      { code: 'ECONNREFUSED' },
      'removed with its container',
    );
  });

  test('published UDP port: reached from the host and from another host', async () => {
    const id = (await docker('run', '-d', '-p', '18053:5353/udp', 'busybox', 'sleep', '300')).stdout.trim();
    const pid = (await docker('inspect', '-f', '{{.State.Pid}}', id)).stdout.trim();
    const server = await startServerIn(`/proc/${pid}/ns/net`, 'udp', 5353);
    try {
      assert.match(await udpAsk('127.0.0.1', 18053), /^echo:ping from /);
      assert.match(await udpAsk(hostAddress(), 18053), /^echo:ping from /);
      assert.equal(
        await udpAsk(remote.hostAddress, 18053, `/run/netns/${remote.netns}`),
        `echo:ping from ${remote.address}`,
        'the other host is seen by its own address (DNAT, no masquerade)',
      );
    } finally {
      server.kill();
      await docker('rm', '-f', id);
    }
  });

  test('outbound traffic is masqueraded to the host address', async () => {
    const server = await startServerIn(`/run/netns/${remote.netns}`, 'tcp', 7000);
    try {
      const r = await docker('run', '--rm', 'busybox', 'nc', remote.address, '7000');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `peer ${remote.hostAddress}\n`);
    } finally {
      server.kill();
    }
  });

  test('a host port taken by another program is refused, leaving no rule or running container', async () => {
    const squatter = createServer().listen(18090, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const r = await docker(
        'run',
        '-d',
        '--name',
        'berthtest-squat',
        '-p',
        '127.0.0.1:18090:80',
        'busybox',
        'sleep',
        '30',
      );
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /127\.0\.0\.1:18090\/tcp: port is already allocated/);
      const table = spawnSync('nft', ['list', 'table', 'ip', agent.network.nftTable], {
        encoding: 'utf8',
      }).stdout;
      assert.doesNotMatch(table, /18090/);
      assert.equal(
        (await docker('inspect', '-f', '{{.State.Running}}', 'berthtest-squat')).stdout,
        'false\n',
      );
      await docker('rm', '-f', 'berthtest-squat');
      const v6 = await docker('run', '-d', '-p', '[::1]:18091:80', 'busybox', 'true');
      assert.match(v6.stderr, /IPv4 only/);
    } finally {
      squatter.close();
    }
  });

  test('--network container:<id> shares that container’s interface and address', async () => {
    const a = (await docker('run', '-d', 'busybox', 'sleep', '300')).stdout.trim();
    const ip = (await docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', a)).stdout.trim();
    const r = await docker(
      'run',
      '--rm',
      '--network',
      `container:${a}`,
      'busybox',
      'ip',
      '-4',
      '-o',
      'addr',
      'show',
      'eth0',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`));
    await docker('rm', '-f', a);
  });

  test('-P publishes every exposed port on a free host port', async () => {
    const id = (
      await docker('run', '-d', '-P', '--expose', '80', 'busybox', 'sh', '-c', 'nc -ll -p 80 -e echo any')
    ).stdout.trim();
    const port = (await docker('port', id, '80/tcp')).stdout;
    const m = /0\.0\.0\.0:(\d+)/.exec(port);
    assert.ok(m, port);
    assert.equal(await tcpRead('127.0.0.1', Number(m[1])), 'any\n');
    await docker('rm', '-f', id);
  });

  test('--network none and host', async () => {
    const none = await docker('run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link');
    assert.equal(none.code, 0, none.stderr);
    assert.doesNotMatch(none.stdout, /eth0/);
    assert.match(none.stdout, /^1: lo: <LOOPBACK,UP,LOWER_UP>/, 'the loopback is up, as with Docker');
    const host = await docker('run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', 'link');
    const ours = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8' }).stdout;
    assert.equal(host.stdout.split('\n').length > 1, true);
    assert.ok(ours.includes(host.stdout.split(':')[1]!.trim()), 'the host’s own interfaces');
    const clash = await docker('run', '--rm', '--network', 'host', '-p', '80:80', 'busybox', 'true');
    assert.notEqual(clash.code, 0);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { replyServer, tcpRead } from '../engine/network/testing-servers.ts';
import { AgentUnderTest } from './testing/agent-under-test.ts';

/** User-defined networks through the docker CLI: create, inspect, DNS by name, isolation, connect/disconnect. */
describe('docker CLI: user-defined networks', () => {
  let agent: AgentUnderTest;
  /** a /24 of this agent's own test pool: 10.a.(b+n).0/24 */
  let subnet: (n: number) => string;
  before(async () => {
    agent = await AgentUnderTest.start();
    const [a, b, c] = agent.network.addressPool.split(/[./]/).map(Number);
    subnet = (n) => `${a}.${b}.${c! + n}.0/24`;
  });
  after(async () => {
    if (agent) assert.deepEqual(await agent.stop(), [], 'no bridge, veth or table of the agent is left');
  });
  const docker = (...args: string[]) => agent.docker(args);
  const ok = async (...args: string[]) => {
    const r = await docker(...args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };

  test('create and inspect in Docker’s shape; ls; bad input refused with nothing made', async () => {
    const id = await ok(
      'network',
      'create',
      '--subnet',
      subnet(1),
      '--gateway',
      subnet(1).replace('0/24', '254'),
      '--ip-range',
      subnet(1).replace('0/24', '128/25'),
      '--label',
      'team=berthtest',
      '-o',
      'com.docker.network.driver.mtu=1400',
      'berthtest-a',
    );
    assert.match(id, /^[0-9a-f]{64}$/);
    const [net] = JSON.parse(await ok('network', 'inspect', 'berthtest-a'));
    assert.equal(net.Name, 'berthtest-a');
    assert.equal(net.Driver, 'bridge');
    assert.deepEqual(net.IPAM.Config, [
      {
        Subnet: subnet(1),
        Gateway: subnet(1).replace('0/24', '254'),
        IPRange: subnet(1).replace('0/24', '128/25'),
      },
    ]);
    assert.deepEqual(net.Labels, { team: 'berthtest' });
    assert.equal(net.Options['com.docker.network.driver.mtu'], '1400');
    assert.match(
      await ok('network', 'ls', '--filter', 'label=team=berthtest'),
      /berthtest-a\s+bridge\s+local/,
    );

    const overlap = await docker(
      'network',
      'create',
      '--subnet',
      subnet(1).replace('0/24', '0/23'),
      'berthtest-b',
    );
    assert.equal(overlap.code, 1);
    assert.match(overlap.stderr, /Pool overlaps with other one on this address space/);
    const dup = await docker('network', 'create', 'berthtest-a');
    assert.match(dup.stderr, /already exists/);
    const badGw = await docker(
      'network',
      'create',
      '--subnet',
      subnet(2),
      '--gateway',
      subnet(2).replace('/24', ''),
      'berthtest-b',
    );
    assert.match(badGw.stderr, /is not a host address of subnet/);
    assert.doesNotMatch(await ok('network', 'ls'), /berthtest-b/);

    // a container gets its address from the ip-range, the network's MTU, and shows in inspect
    const c = await ok(
      'run',
      '-d',
      '--network',
      'berthtest-a',
      '--name',
      'berthtest-c1',
      'busybox',
      'sleep',
      '300',
    );
    const inside = await ok('exec', c, 'ip', '-4', 'addr', 'show', 'eth0');
    assert.match(inside, /mtu 1400/);
    const ip = /inet (\S+)\/24/.exec(inside)?.[1] ?? '';
    assert.ok(Number(ip.split('.')[3]) >= 128, ip);
    const [withC] = JSON.parse(await ok('network', 'inspect', 'berthtest-a'));
    assert.equal(withC.Containers[c].Name, 'berthtest-c1');
    assert.equal(withC.Containers[c].IPv4Address, `${ip}/24`);
    assert.match(withC.Containers[c].MacAddress, /^02:b7:/);

    const busy = await docker('network', 'rm', 'berthtest-a');
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /has active endpoints/);
    const taken = await docker('run', '-d', '--network', 'berthtest-a', '--ip', ip, 'busybox', 'true');
    assert.match(taken.stderr, /already in use/);
    const outside = await docker(
      'run',
      '-d',
      '--network',
      'berthtest-a',
      '--ip',
      '192.0.2.9',
      'busybox',
      'true',
    );
    assert.match(outside.stderr, /outside the network's subnet/);
    await ok('rm', '-f', c);
    await ok('network', 'rm', 'berthtest-a');
    assert.equal((await docker('network', 'inspect', 'berthtest-a')).code, 1);
  });

  test('bridge, host and none are listed as Docker lists them, inspectable, and cannot be removed', async () => {
    const ls = await ok('network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}');
    for (const line of ['bridge bridge local', 'host host local', 'none null local'])
      assert.ok(ls.split('\n').includes(line), `${line} in:\n${ls}`);
    assert.equal(await ok('network', 'ls', '--filter', 'driver=null', '--format', '{{.Name}}'), 'none');
    const builtin = (await ok('network', 'ls', '--filter', 'type=builtin', '--format', '{{.Name}}')).split(
      '\n',
    );
    assert.deepEqual(builtin.sort(), ['bridge', 'host', 'none']);

    await ok('run', '-d', '--name', 'berthtest-hostnet', '--network', 'host', 'busybox', 'sleep', '300');
    const [host] = JSON.parse(await ok('network', 'inspect', 'host'));
    assert.equal(host.Driver, 'host');
    assert.deepEqual(
      Object.values(host.Containers as Record<string, { Name: string }>).map((c) => c.Name),
      ['berthtest-hostnet'],
    );
    const settings = JSON.parse(
      await ok('inspect', '-f', '{{json .NetworkSettings.Networks}}', 'berthtest-hostnet'),
    );
    assert.deepEqual(Object.keys(settings), ['host']);
    assert.equal(settings.host.NetworkID, host.Id, 'the container names the network it is in');
    await ok('rm', '-f', 'berthtest-hostnet');

    for (const name of ['host', 'none', 'bridge']) {
      const rm = await docker('network', 'rm', name);
      assert.equal(rm.code, 1);
      assert.match(rm.stderr, new RegExp(`${name} is a pre-defined network and cannot be removed`));
    }
    const made = await docker('network', 'create', 'none');
    assert.equal(made.code, 1);
    assert.match(made.stderr, /none is a pre-defined network and cannot be created/);
  });

  test('containers reach each other by name and alias on one network, never across networks', async () => {
    await ok('network', 'create', '--subnet', subnet(3), 'berthtest-front');
    await ok('network', 'create', '--subnet', subnet(4), 'berthtest-back');
    await ok(
      'run',
      '-d',
      '--network',
      'berthtest-front',
      '--name',
      'berthtest-web',
      '--network-alias',
      'www',
      ...replyServer(80, 'web'),
    );
    const byName = await docker(
      'run',
      '--rm',
      '--network',
      'berthtest-front',
      'busybox',
      'sh',
      '-c',
      'for i in 1 2 3 4 5 6 7 8 9 10; do nc berthtest-web 80 && exit 0; sleep 0.2; done; exit 1',
    );
    assert.equal(byName.stdout, 'web\n', byName.stderr);
    assert.equal(
      await ok('run', '--rm', '--network', 'berthtest-front', 'busybox', 'nc', 'www', '80'),
      'web',
    );
    const lookup = await docker(
      'run',
      '--rm',
      '--network',
      'berthtest-back',
      'busybox',
      'nslookup',
      'berthtest-web',
    );
    assert.notEqual(lookup.code, 0, 'another network does not see the name');
    const webIp = await ok(
      'inspect',
      '-f',
      '{{(index .NetworkSettings.Networks "berthtest-front").IPAddress}}',
      'berthtest-web',
    );
    const across = await docker(
      'run',
      '--rm',
      '--network',
      'berthtest-back',
      'busybox',
      'nc',
      '-w',
      '2',
      webIp,
      '80',
    );
    assert.equal(across.stdout, '', 'no traffic across networks');
    const fromDefault = await docker('run', '--rm', 'busybox', 'nc', '-w', '2', webIp, '80');
    assert.equal(fromDefault.stdout, '', 'nor from the default network');

    // live connect: the running container gets eth1 on back, reachable there by its name; disconnect takes it away
    const client = await ok(
      'run',
      '-d',
      '--network',
      'berthtest-back',
      '--name',
      'berthtest-client',
      'busybox',
      'sleep',
      '300',
    );
    await ok('network', 'connect', '--alias', 'api', 'berthtest-back', 'berthtest-web');
    const ifs = await ok('exec', 'berthtest-web', 'ip', '-o', '-4', 'addr');
    assert.match(ifs, /eth1\s+inet /);
    const backIp = /eth1\s+inet ([\d.]+)\//.exec(ifs)?.[1];
    const webHost = await ok('inspect', '-f', '{{.Config.Hostname}}', 'berthtest-web');
    const hostsLine = (ip: string | undefined) =>
      new RegExp(`^${ip?.replace(/\./g, '\\.')}\\s+${webHost}$`, 'm');
    assert.match(
      await ok('exec', 'berthtest-web', 'cat', '/etc/hosts'),
      hostsLine(backIp),
      '/etc/hosts has the new address',
    );
    assert.equal(await ok('exec', client, 'nc', 'api', '80'), 'web');
    await ok('network', 'disconnect', 'berthtest-back', 'berthtest-web');
    assert.doesNotMatch(await ok('exec', 'berthtest-web', 'ip', '-o', '-4', 'addr'), /eth1/);
    assert.doesNotMatch(
      await ok('exec', 'berthtest-web', 'cat', '/etc/hosts'),
      hostsLine(backIp),
      'and loses it again',
    );
    assert.notEqual((await docker('exec', client, 'nslookup', 'api')).code, 0);
    await ok('rm', '-f', client, 'berthtest-web');
    assert.match(
      await ok('network', 'prune', '-f'),
      /berthtest-back[\s\S]*berthtest-front|berthtest-front[\s\S]*berthtest-back/,
    );
    assert.doesNotMatch(await ok('network', 'ls'), /berthtest-/);
  });

  test('names outside the network go to the host’s resolvers; --dns, --add-host, --hostname shape the files', async () => {
    await ok('network', 'create', '--subnet', subnet(5), 'berthtest-dns');
    const out = await ok(
      'run',
      '--rm',
      '--network',
      'berthtest-dns',
      '--hostname',
      'berthbox',
      '--add-host',
      'db.example:192.0.2.50',
      'busybox',
      'sh',
      '-c',
      'cat /etc/resolv.conf /etc/hosts; hostname',
    );
    assert.match(
      out,
      new RegExp(`^nameserver ${subnet(5).replace('0/24', '1').replace(/\./g, '\\.')}$`, 'm'),
    );
    assert.match(out, /^192\.0\.2\.50\tdb\.example$/m);
    assert.match(out, /\tberthbox$/m);
    assert.match(out, /berthbox$/);
    const custom = await ok(
      'run',
      '--rm',
      '--dns',
      '192.0.2.53',
      '--dns-search',
      'example.org',
      'busybox',
      'cat',
      '/etc/resolv.conf',
    );
    assert.match(custom, /^nameserver 192\.0\.2\.53$/m);
    assert.match(custom, /^search example\.org$/m);
    await ok('network', 'rm', 'berthtest-dns');
    await ok('network', 'create', '--internal', '--subnet', subnet(6), 'berthtest-internal');
    const routes = await ok('run', '--rm', '--network', 'berthtest-internal', 'busybox', 'ip', 'route');
    assert.doesNotMatch(routes, /default/, 'an internal network has no way out');
    assert.match(routes, /dev eth0/);
    await ok('network', 'rm', 'berthtest-internal');
    await ok(
      'network',
      'create',
      '--subnet',
      subnet(7),
      '-o',
      'com.docker.network.bridge.enable_icc=false',
      'berthtest-noicc',
    );
    const server = await ok('run', '-d', '--network', 'berthtest-noicc', ...replyServer(80, 'icc'));
    const serverIp = await ok(
      'inspect',
      '-f',
      '{{(index .NetworkSettings.Networks "berthtest-noicc").IPAddress}}',
      server,
    );
    assert.equal(await tcpRead(serverIp, 80), 'icc\n', 'the host reaches it');
    const blocked = await docker(
      'run',
      '--rm',
      '--network',
      'berthtest-noicc',
      'busybox',
      'nc',
      '-w',
      '2',
      serverIp,
      '80',
    );
    assert.equal(blocked.stdout, '', 'enable_icc=false: containers of one network cannot talk');
    await ok('rm', '-f', server);
    await ok('network', 'rm', 'berthtest-noicc');
  });
});

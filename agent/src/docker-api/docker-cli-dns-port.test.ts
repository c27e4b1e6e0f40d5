import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { TestHost } from '../engine/network/test-host.ts';
import { AgentUnderTest } from './testing/agent-under-test.ts';

/**
 * A user network's resolver needs port 53 on its gateway. With another process holding port 53
 * on every address, a container on that network does not start and says why, leaving no bridge
 * behind; once the port is free it starts. Run in a test host's namespace: the host's port 53 is
 * never touched.
 */
describe('docker CLI: a user network whose DNS port is taken', () => {
  let host: TestHost;
  let agent: AgentUnderTest;
  let holder: ChildProcess | undefined;
  before(async () => {
    host = await TestHost.create();
    agent = await AgentUnderTest.start({ netns: host.netns });
  });
  after(async () => {
    if (holder?.exitCode === null) holder.kill();
    await agent?.stop();
    await host?.remove();
  });
  const docker = (...args: string[]) => agent.docker(args);

  test('the run fails naming the port and its holder, nothing is left up, and it runs once the port is free', async () => {
    holder = spawn(
      'nsenter',
      [
        `--net=/run/netns/${host.netns}`,
        process.execPath,
        '-e',
        "require('dgram').createSocket('udp4').bind(53, '0.0.0.0', () => console.log('bound'))",
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout!, 'data');
    assert.equal((await docker('network', 'create', 'berthtest-dnsnet')).code, 0);
    const links = async () => (await host.exec(['ip', '-o', 'link'])).split('\n').length;
    const before = await links();

    const refused = await docker('run', '--rm', '--network', 'berthtest-dnsnet', 'busybox', 'true');
    assert.equal(refused.code, 125);
    assert.match(refused.stderr, /network berthtest-dnsnet: cannot serve DNS on [\d.]+:53 \(EADDRINUSE\)/);
    assert.match(refused.stderr, /another process holds port 53/);
    assert.equal(await links(), before, 'no bridge or veth left up');
    assert.equal((await docker('ps', '-aq')).stdout, '', '--rm: no container left');

    holder.kill();
    await once(holder, 'exit');
    const ran = await docker(
      'run',
      '--rm',
      '--network',
      'berthtest-dnsnet',
      '--name',
      'berthtest-dns',
      'busybox',
      'nslookup',
      'berthtest-dns',
    );
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /Name:\s+berthtest-dns/);
    assert.equal((await docker('network', 'rm', 'berthtest-dnsnet')).code, 0);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { replyServer, tcpRead } from '../engine/network/testing-servers.ts';
import { AgentUnderTest } from './testing/agent-under-test.ts';

/** An agent restart (also after SIGKILL) keeps leases and rules of running containers and drops the rest. */
describe('docker CLI: networking across agent restarts', () => {
  let agent: AgentUnderTest;
  before(async () => {
    agent = await AgentUnderTest.start();
  });
  after(async () => {
    if (agent) assert.deepEqual(await agent.stop(), [], 'no bridge, veth or table of the agent is left');
  });
  const ok = async (...args: string[]) => {
    const r = await agent.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const dnatRules = () =>
    execFileSync('nft', ['list', 'table', 'ip', agent.network.nftTable], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('dnat to'));

  test('leases and published ports survive a SIGKILL of the agent; what ended meanwhile is released', async () => {
    const keep = await ok('run', '-d', '-p', '18181:80', ...replyServer(80, 'kept'));
    const gone = await ok('run', '-d', '-p', '18182:80', 'busybox', 'sleep', '300');
    const keepIp = await ok('inspect', '-f', '{{.NetworkSettings.IPAddress}}', keep);
    const gonePid = Number(await ok('inspect', '-f', '{{.State.Pid}}', gone));
    assert.equal(await tcpRead('127.0.0.1', 18181), 'kept\n');
    assert.equal(dnatRules().length, 2);

    agent.kill9();
    process.kill(gonePid, 'SIGKILL'); // ends while no agent watches
    agent = await agent.restart();

    assert.equal(
      await tcpRead('127.0.0.1', 18181),
      'kept\n',
      'the port still leads to the running container',
    );
    const rules = dnatRules();
    assert.equal(
      rules.length,
      1,
      `one rule, no duplicate, none for the ended container:\n${rules.join('\n')}`,
    );
    assert.match(rules[0]!, new RegExp(`dport 18181 dnat to ${keepIp.replace(/\./g, '\\.')}:80`));
    const again = await ok('run', '-d', '-p', '18181:80', 'busybox', 'true').catch((e: Error) => e.message);
    assert.match(String(again), /port is already allocated/, 'the kept port is still held');
    const next = await ok('run', '-d', '-p', '18182:80', 'busybox', 'sleep', '300');
    const nextIp = await ok('inspect', '-f', '{{.NetworkSettings.IPAddress}}', next);
    assert.notEqual(nextIp, keepIp, 'no address handed out twice');
    await ok('rm', '-f', keep, gone, next);
    assert.equal(dnatRules().length, 0);
  });
});

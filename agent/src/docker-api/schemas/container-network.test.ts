import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toPortBindings } from './container-network.ts';

test('PortBindings as the CLI sends them: fixed, random, ranges, udp, host addresses', () => {
  assert.deepEqual(
    toPortBindings({
      '80/tcp': [{ HostIp: '', HostPort: '8080' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '81': [{ HostPort: '9000-9010' }],
    }),
    [
      // a key without a protocol is integer-like: JavaScript lists it first
      { containerPort: 81, protocol: 'tcp', hostIp: '', hostPort: 9000, hostPortEnd: 9010 },
      { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 8080, hostPortEnd: undefined },
      { containerPort: 53, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 0 },
    ],
  );
  assert.throws(() => toPortBindings({ '80/tcp': [{ HostPort: '70000' }] }), /invalid host port/);
  assert.throws(() => toPortBindings({ '80/tcp': [{ HostPort: '90-80' }] }), /invalid host port/);
  assert.throws(() => toPortBindings({ 'x/tcp': [] }), /invalid port specification/);
  assert.throws(() => toPortBindings({ '80/sctp': [] }), /sctp/);
});

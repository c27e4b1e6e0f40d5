import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEngineError } from '../errors.ts';
import { NetworkCreate, planAddresses } from './create-request.ts';
import { allocateAddress, claimAddress } from './ipam.ts';
import { formatIp, macFor, parseCidr, parseIp } from './ipv4.ts';

const pool = parseCidr('10.214.0.0/16');

test('IPAM skips the network, gateway and broadcast addresses and what is leased', () => {
  const subnet = parseCidr('10.1.2.0/30');
  const gw = parseIp('10.1.2.1');
  assert.equal(formatIp(allocateAddress(subnet, gw, subnet, new Set())), '10.1.2.2');
  assert.throws(
    () => allocateAddress(subnet, gw, subnet, new Set([parseIp('10.1.2.2')])),
    (e) => isEngineError(e, 'conflict') && /no available IPv4 addresses/.test(e.message),
  );
  const range = parseCidr('10.1.2.128/25');
  assert.equal(formatIp(allocateAddress(parseCidr('10.1.2.0/24'), gw, range, new Set())), '10.1.2.128');
});

test('a requested address must be a free host address of the subnet', () => {
  const subnet = parseCidr('10.1.2.0/24');
  const gw = parseIp('10.1.2.1');
  assert.equal(formatIp(claimAddress(subnet, gw, '10.1.2.9', new Set())), '10.1.2.9');
  assert.throws(() => claimAddress(subnet, gw, '10.1.3.9', new Set()), /outside the network's subnet/);
  assert.throws(() => claimAddress(subnet, gw, '10.1.2.1', new Set()), /reserved/);
  assert.throws(() => claimAddress(subnet, gw, '10.1.2.255', new Set()), /reserved/);
  assert.throws(() => claimAddress(subnet, gw, '10.1.2.9', new Set([parseIp('10.1.2.9')])), /already in use/);
  assert.throws(() => claimAddress(subnet, gw, '10.1.2.300', new Set()), /invalid IPv4 address/);
});

test('MAC addresses come from the IP', () => {
  assert.equal(macFor(parseIp('10.213.0.2')), '02:b7:0a:d5:00:02');
});

test('network plans: a free /24 of the pool, overlaps refused, options checked', () => {
  const req = (x: object) => NetworkCreate.parse({ name: 'n', ...x });
  const inUse = [parseCidr('10.214.0.0/24'), parseCidr('10.214.2.0/24')];
  assert.equal(planAddresses(req({}), inUse, pool).subnet, '10.214.1.0/24');
  assert.equal(planAddresses(req({}), inUse, pool).gateway, '10.214.1.1');
  assert.throws(() => planAddresses(req({ subnet: '10.214.2.128/25' }), inUse, pool), /Pool overlaps/);
  assert.throws(
    () => planAddresses(req({ subnet: '10.9.0.0/24', gateway: '10.9.1.1' }), [], pool),
    /not a host address/,
  );
  assert.throws(
    () => planAddresses(req({ subnet: '10.9.0.0/24', ipRange: '10.9.1.0/25' }), [], pool),
    /not inside subnet/,
  );
  assert.throws(() => planAddresses(req({ gateway: '10.9.1.1' }), [], pool), /needs a subnet/);
  assert.throws(() => planAddresses(req({ driver: 'overlay' }), [], pool), /not supported/);
  assert.throws(
    () => planAddresses(req({ options: { 'com.docker.network.driver.mtu': '20' } }), [], pool),
    /invalid MTU/,
  );
  const plan = planAddresses(
    req({
      options: { 'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.driver.mtu': '1400' },
    }),
    [],
    pool,
  );
  assert.equal(plan.icc, false);
  assert.equal(plan.masquerade, true);
  assert.equal(plan.mtu, 1400);
});

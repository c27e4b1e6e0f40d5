import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostsFile, resolvConfFile } from './init-files.ts';

test('hosts lists localhost, extra hosts and the container itself', () => {
  const hosts = hostsFile('abc123', ['10.88.0.2'], ['db:10.0.0.5']);
  assert.match(hosts, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(hosts, /^10\.0\.0\.5\tdb$/m);
  assert.match(hosts, /^10\.88\.0\.2\tabc123$/m);
});

test('resolv.conf drops loopback resolvers and keeps search/options', () => {
  const host = 'nameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch example.org\noptions edns0\n';
  assert.equal(resolvConfFile(host), 'nameserver 192.0.2.1\nsearch example.org\noptions edns0\n');
  assert.equal(resolvConfFile('nameserver 127.0.0.1\n'), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  assert.equal(resolvConfFile(host, ['1.1.1.1']), 'nameserver 1.1.1.1\nsearch example.org\noptions edns0\n');
});

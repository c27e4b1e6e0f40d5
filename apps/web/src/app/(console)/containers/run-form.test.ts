import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_RUN, parsePorts, parseVolumes, toRunInput } from './run-form.ts';

test('ports and volumes are read as docker run reads -p and -v', () => {
  assert.deepEqual(parsePorts('8080:80\n127.0.0.1:5353:53/udp\n9000'), {
    ok: true,
    value: [
      { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' },
      { hostIp: '', hostPort: 0, containerPort: 9000, protocol: 'tcp' },
    ],
  });
  assert.equal(parsePorts('80:http').ok, false);
  assert.deepEqual(parseVolumes('data:/var/lib/data\n/srv/site:/usr/share/html:ro'), {
    ok: true,
    value: [
      { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false },
      { type: 'bind', source: '/srv/site', target: '/usr/share/html', readOnly: true },
    ],
  });
  assert.equal(parseVolumes('data').ok, false);
});

test('the form becomes the run input, limits included; each bad field is named', () => {
  const ok = toRunInput({
    ...EMPTY_RUN,
    hostId: 'h1',
    image: 'busybox',
    ports: '8080:80',
    network: 'berthtest-net',
    memory: '64m',
    cpus: '0.5',
    pidsLimit: '50',
  });
  assert.ok(ok.ok);
  assert.equal(ok.input.memoryBytes, 64 * 1024 * 1024);
  assert.equal(ok.input.nanoCpus, 500_000_000);
  assert.equal(ok.input.pidsLimit, 50);
  assert.equal(ok.input.network, 'berthtest-net');
  const bad = toRunInput({
    ...EMPTY_RUN,
    hostId: 'h1',
    image: 'busybox',
    memory: 'lots',
    cpus: '-1',
    ports: 'x',
    pidsLimit: '0',
  });
  assert.ok(!bad.ok);
  assert.deepEqual(Object.keys(bad.errors).sort(), ['cpus', 'memory', 'pidsLimit', 'ports']);
  const tiny = toRunInput({ ...EMPTY_RUN, hostId: 'h1', image: 'busybox', memory: '1m' });
  assert.ok(!tiny.ok);
  assert.match(tiny.errors.memory ?? '', /at least 6 MiB/);
});

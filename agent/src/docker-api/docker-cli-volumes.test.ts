import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { suiteAgent } from './testing/agent-under-test.ts';

/** The docker CLI's volume commands against a real Berth agent. */
describe('docker CLI: volumes', () => {
  const { docker } = suiteAgent();

  test('create, ls with filters, inspect in Docker’s shape', async () => {
    assert.equal(
      (await docker('volume', 'create', '--label', 'team=berthtest', 'berthtest-v')).stdout,
      'berthtest-v\n',
    );
    assert.equal((await docker('volume', 'create', 'berthtest-plain')).stdout, 'berthtest-plain\n');
    assert.equal((await docker('volume', 'create', 'berthtest-plain')).code, 0, 'creating it again is fine');
    const anonymous = (await docker('volume', 'create')).stdout.trim();
    assert.match(anonymous, /^[0-9a-f]{64}$/);
    assert.match(
      (await docker('volume', 'ls', '--filter', 'label=team=berthtest')).stdout,
      /^DRIVER\s+VOLUME NAME\nlocal\s+berthtest-v\n$/,
    );
    assert.equal(
      (await docker('volume', 'ls', '-q', '--filter', 'name=berthtest-')).stdout,
      'berthtest-plain\nberthtest-v\n',
    );
    assert.equal((await docker('volume', 'ls', '-q', '--filter', 'label=team=other')).stdout, '');
    const [plain] = JSON.parse((await docker('volume', 'inspect', 'berthtest-plain')).stdout);
    assert.deepEqual(Object.keys(plain).sort(), [
      'CreatedAt',
      'Driver',
      'Labels',
      'Mountpoint',
      'Name',
      'Options',
      'Scope',
    ]);
    assert.equal(plain.Labels, null, 'Docker shows no labels as null');
    assert.equal(plain.Options, null);
    assert.equal(plain.Scope, 'local');
    assert.match(plain.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(plain.Mountpoint.endsWith('/volumes/berthtest-plain/_data'));
    assert.equal(
      (await docker('volume', 'inspect', '-f', '{{.Labels.team}}', 'berthtest-v')).stdout,
      'berthtest\n',
    );
    await docker('volume', 'rm', anonymous);
  });

  test('missing, busy, bad: Docker’s messages and exit codes', async () => {
    const missing = await docker('volume', 'inspect', 'berthtest-nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /get berthtest-nope: no such volume/);
    const rmMissing = await docker('volume', 'rm', 'berthtest-nope');
    assert.equal(rmMissing.code, 1);
    assert.equal(rmMissing.stderr, 'Error response from daemon: get berthtest-nope: no such volume\n');
    assert.equal(
      (await docker('volume', 'rm', '-f', 'berthtest-nope')).code,
      0,
      'force forgives a missing volume',
    );
    const bad = await docker('volume', 'create', 'berthtest/bad');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid volume name/);
    const driver = await docker('volume', 'create', '-d', 'berthtest-driver', 'berthtest-d');
    assert.equal(driver.code, 1);
    assert.match(driver.stderr, /berthtest-driver is not supported/);
    const filter = await docker('volume', 'ls', '--filter', 'berthtest=1');
    assert.equal(filter.code, 1);
    assert.equal(filter.stderr, "Error response from daemon: invalid filter 'berthtest'\n");

    const run = await docker(
      'run',
      '-d',
      '--name',
      'berthtest-user',
      '-v',
      'berthtest-v:/data',
      'busybox',
      'sleep',
      '60',
    );
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const busy = await docker('volume', 'rm', 'berthtest-v');
    assert.equal(busy.code, 1);
    assert.equal(busy.stderr, `Error response from daemon: remove berthtest-v: volume is in use - [${id}]\n`);
    assert.equal(
      (await docker('volume', 'rm', '-f', 'berthtest-v')).code,
      1,
      'force never takes a used volume',
    );
    assert.equal((await docker('volume', 'ls', '-q', '--filter', 'dangling=false')).stdout, 'berthtest-v\n');
    await docker('rm', '-f', 'berthtest-user');
    assert.equal((await docker('volume', 'ls', '-q', '--filter', 'dangling=false')).stdout, '');
  });

  test('prune: anonymous only by default, -a for named, label filters', async () => {
    const anonymous = (await docker('volume', 'create')).stdout.trim();
    await docker('volume', 'create', '--label', 'keep=1', 'berthtest-keep');
    const pruned = await docker('volume', 'prune', '-f');
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.equal(pruned.stdout, `Deleted Volumes:\n${anonymous}\n\nTotal reclaimed space: 0B\n`);
    const named = await docker('volume', 'prune', '-a', '-f', '--filter', 'label!=keep=1');
    assert.match(named.stdout, /^Deleted Volumes:\nberthtest-plain\nberthtest-v\n/);
    assert.equal((await docker('volume', 'ls', '-q')).stdout, 'berthtest-keep\n');
    assert.equal((await docker('volume', 'prune', '-a', '-f', '--filter', 'label=keep=1')).code, 0);
    assert.equal((await docker('volume', 'ls', '-q')).stdout, '');
  });

  test('events: create, mount, unmount, destroy and prune, as Docker reports them', async () => {
    const since = (Date.now() / 1000).toFixed(3);
    await docker('volume', 'create', 'berthtest-ev');
    const run = await docker(
      'run',
      '--name',
      'berthtest-ev-user',
      '-v',
      'berthtest-ev:/data:ro',
      'busybox',
      'true',
    );
    assert.equal(run.code, 0, run.stderr);
    const id = (await docker('inspect', '-f', '{{.Id}}', 'berthtest-ev-user')).stdout.trim();
    await docker('rm', 'berthtest-ev-user');
    await docker('volume', 'rm', 'berthtest-ev');
    await docker('volume', 'prune', '-f');
    const until = ((Date.now() + 200) / 1000).toFixed(3);
    const r = await docker(
      'events',
      ...['--since', since, '--until', until, '--filter', 'type=volume', '--format'],
      '{{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "container"}} {{index .Actor.Attributes "destination"}} {{index .Actor.Attributes "read/write"}}',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(/<no value>/g, '-').trim()),
      [
        'create berthtest-ev', // docker volume create
        'create berthtest-ev', // docker run -v names it again, as Docker does
        `mount berthtest-ev ${id} /data false`,
        `unmount berthtest-ev ${id}`,
        'destroy berthtest-ev',
        'prune',
      ],
    );
    const byName = await docker(
      ...['events', '--since', since, '--until', until, '--filter', 'volume=berthtest-ev'],
      ...['--format', '{{.Action}}'],
    );
    assert.deepEqual(byName.stdout.trim().split('\n'), ['create', 'create', 'mount', 'unmount', 'destroy']);
  });
});

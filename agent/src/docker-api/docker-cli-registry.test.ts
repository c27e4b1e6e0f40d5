import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { goArch, layerTar, sha256 } from '../engine/images/testing/image-archive-builder.ts';
import { TestHost } from '../engine/network/test-host.ts';
import type { DistributionInspect } from '../engine/registry/index.ts';
import { rawPushTwoArchIndex } from '../engine/registry/testing/raw-push.ts';
import {
  htpasswdAvailable,
  registryAvailable,
  startRegistry,
  type TestRegistry,
} from '../engine/registry/testing/registry-server.ts';
import { selfSignedCert, serverCertFor } from '../engine/registry/testing/test-certs.ts';
import { AgentUnderTest } from './testing/agent-under-test.ts';

const USER = 'berthtest';
const PASSWORD = 'berthtest-secret-pw';

/** docker pull, push, login and run against a Berth agent and Debian's docker-registry on loopback. */
describe('docker CLI: registry', {
  skip:
    (!registryAvailable() && 'apt-get install -y docker-registry') ||
    (!htpasswdAvailable() && 'apt-get install -y apache2-utils'),
}, () => {
  let agent: AgentUnderTest;
  let open: TestRegistry;
  let locked: TestRegistry;
  before(async () => {
    agent = await AgentUnderTest.start();
    open = await startRegistry(join(agent.dir, 'registry-open'));
    locked = await startRegistry(join(agent.dir, 'registry-locked'), {
      kind: 'htpasswd',
      users: { [USER]: PASSWORD },
    });
  });
  after(async () => {
    await open?.stop();
    await locked?.stop();
    await agent?.stop();
  });
  const docker = (...args: string[]) => agent.docker(args, { timeoutMs: 60_000 });
  const tty = (...args: string[]) => agent.docker(args, { tty: true, timeoutMs: 60_000 });
  const apiGet = (path: string) =>
    new Promise<{ status: number; body: Partial<DistributionInspect> & { message?: string } }>(
      (resolve, reject) => {
        const req = request({ socketPath: agent.socket, path }, (res) => {
          let text = '';
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end();
      },
    );

  test('push, rmi, pull: the same digests, per-layer bars, RepoDigests, and pull/push events', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const ref = `${open.host}/berthtest/bb:1`;
    const id = (await docker('image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout.trim();
    assert.equal((await docker('tag', 'busybox', ref)).code, 0);
    const push = await docker('push', ref);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`^The push refers to repository \\[${open.host}/berthtest/bb\\]\n`));
    assert.match(push.stdout, /[0-9a-f]{12}: Pushed\n/);
    const pushed = /1: digest: (sha256:[0-9a-f]{64}) size: \d+\n$/.exec(push.stdout)?.[1];
    assert.ok(pushed, push.stdout);
    assert.equal(
      (await docker('image', 'inspect', '-f', '{{json .RepoDigests}}', ref)).stdout.trim(),
      JSON.stringify([`${open.host}/berthtest/bb@${pushed}`]),
    );
    const again = await docker('push', ref);
    assert.match(again.stdout, /[0-9a-f]{12}: Layer already exists\n/);

    const rmi = await docker('rmi', 'busybox', ref);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.match(rmi.stdout, /Deleted: sha256:/);
    const pull = await tty('pull', ref);
    await docker('tag', ref, 'busybox');
    assert.equal(pull.code, 0, pull.stdout);
    assert.match(pull.stdout, /1: Pulling from berthtest\/bb/);
    assert.match(pull.stdout, /[0-9a-f]{12}: Downloading \s*\[=*>\s*\]/, 'the CLI drew a progress bar');
    assert.match(pull.stdout, /[0-9a-f]{12}: Pull complete/);
    assert.match(pull.stdout, new RegExp(`Digest: ${pushed}`));
    assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${open.host}/berthtest/bb:1`));
    assert.equal((await docker('image', 'inspect', '-f', '{{.Id}}', ref)).stdout.trim(), id);
    const digests = await docker(
      'images',
      '--digests',
      '--format',
      '{{.Repository}} {{.Digest}}',
      `${open.host}/berthtest/bb`,
    );
    assert.equal(digests.stdout, `${open.host}/berthtest/bb ${pushed}\n`);
    const upToDate = await docker('pull', ref);
    assert.match(
      upToDate.stdout,
      new RegExp(`Status: Image is up to date for ${open.host}/berthtest/bb:1\n`),
    );
    const byDigest = await docker('pull', `${open.host}/berthtest/bb@${pushed}`);
    assert.equal(byDigest.code, 0, byDigest.stderr);

    const events = await docker(
      'events',
      '--since',
      since,
      '--until',
      String(Math.floor(Date.now() / 1000) + 1),
      '--filter',
      'type=image',
      '--format',
      '{{.Action}} {{.Actor.Attributes.name}}',
    );
    assert.match(events.stdout, new RegExp(`^push ${open.host}/berthtest/bb:1$`, 'm'));
    assert.match(events.stdout, new RegExp(`^pull ${open.host}/berthtest/bb:1$`, 'm'));
  });

  test('push --all-tags pushes every local tag; pull --all-tags pulls every tag the registry lists', async () => {
    const repo = `${open.host}/berthtest/all`;
    await docker('tag', 'busybox', `${repo}:a`);
    await docker('tag', 'busybox', `${repo}:b`);
    const push = await docker('push', '--all-tags', repo);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /^a: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    assert.match(push.stdout, /^b: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    await docker('rmi', `${repo}:a`, `${repo}:b`);

    const pulled = await docker('pull', '--all-tags', repo);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, /^a: Pulling from berthtest\/all$/m);
    assert.match(pulled.stdout, /^b: Pulling from berthtest\/all$/m);
    assert.equal(
      pulled.stdout.match(/^Status: /gm)?.length,
      1,
      `one status line for the whole pull:\n${pulled.stdout}`,
    );
    assert.match(pulled.stdout, new RegExp(`^Status: Downloaded newer image for ${repo}$`, 'm'));
    const tags = await docker('images', '--format', '{{.Tag}}', repo);
    assert.deepEqual(tags.stdout.split('\n').filter(Boolean).sort(), ['a', 'b']);
    const tagged = await docker('pull', '--all-tags', `${repo}:a`);
    assert.notEqual(tagged.code, 0);
    assert.match(tagged.stderr, /tag can't be used with --all-tags\/-a/);
    await docker('rmi', `${repo}:a`, `${repo}:b`);
  });

  test('a missing tag and a missing repository give Docker’s kind of error, and store nothing', async () => {
    const missingTag = await docker('pull', `${open.host}/berthtest/bb:nope`);
    assert.equal(missingTag.code, 1);
    assert.match(
      missingTag.stderr,
      new RegExp(
        `^Error response from daemon: manifest for ${open.host}/berthtest/bb:nope not found: manifest unknown`,
      ),
    );
    const missingRepo = await docker('pull', `${open.host}/berthtest/nothing-here`);
    assert.equal(missingRepo.code, 1);
    assert.match(missingRepo.stderr, /Error response from daemon: .*(manifest unknown|name unknown)/);
    assert.equal((await docker('images', '-q', `${open.host}/berthtest/nothing-here`)).stdout, '');
  });

  test('pull --platform picks from a multi-arch index; a platform it lacks is refused; distribution inspect lists them', async () => {
    const layer = layerTar([{ path: 'arch', content: 'x\n' }]);
    const index = await rawPushTwoArchIndex(open.host, 'berthtest/multi', layer, sha256(layer));
    const ref = `${open.host}/berthtest/multi:latest`;
    const foreign = await docker('pull', '--platform', index.otherPlatform, ref);
    assert.equal(foreign.code, 0, foreign.stderr);
    assert.match(foreign.stdout, new RegExp(`Digest: ${index.indexDigest}`), 'the index digest, as Docker');
    assert.equal(
      (await docker('image', 'inspect', '-f', '{{.Id}} {{.Architecture}}', ref)).stdout,
      `${index.foreign.configDigest} ${index.other.architecture}\n`,
    );
    const native = await docker('pull', ref);
    assert.equal(native.code, 0, native.stderr);
    assert.equal((await docker('image', 'inspect', '-f', '{{.Architecture}}', ref)).stdout, `${goArch()}\n`);
    const lacking = await docker('pull', '--platform', 'linux/s390x', ref);
    assert.equal(lacking.code, 1);
    assert.match(lacking.stderr, /linux\/s390x/);

    // distribution inspect: the index and the platforms it offers, without pulling
    const inspected = await apiGet(`/v1.47/distribution/${ref}/json`);
    assert.equal(inspected.status, 200);
    assert.equal(inspected.body.Descriptor?.digest, index.indexDigest);
    assert.equal(inspected.body.Descriptor?.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      (inspected.body.Platforms ?? []).map((p) => p.architecture).sort(),
      [goArch(), index.other.architecture].sort(),
    );
    const single = await apiGet(
      `/v1.47/distribution/${open.host}/berthtest/multi@${index.native.manifestDigest}/json`,
    );
    assert.deepEqual(single.body.Platforms, [{ architecture: goArch(), os: 'linux' }]);
    const none = await apiGet(`/v1.47/distribution/${open.host}/berthtest/multi:nope/json`);
    assert.equal(none.status, 404);
    assert.match(none.body.message ?? '', /manifest for .*multi:nope not found/);
  });

  test('docker run of a missing image pulls it; --pull never refuses, --pull always pulls', async () => {
    const ref = `${open.host}/berthtest/runme:1`;
    await docker('tag', 'busybox', ref);
    assert.equal((await docker('push', ref)).code, 0);
    await docker('rmi', ref);
    const never = await docker('run', '--rm', '--pull', 'never', ref, 'true');
    assert.equal(never.code, 125);
    assert.match(never.stderr, new RegExp(`No such image: ${open.host}/berthtest/runme:1`));
    const run = await docker('run', '--rm', ref, 'echo', 'pulled and ran');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`^Unable to find image '${open.host}/berthtest/runme:1' locally\n`));
    assert.match(run.stderr, /Status: Downloaded newer image for/);
    assert.equal(run.stdout, 'pulled and ran\n');
    const always = await docker('run', '--rm', '--pull', 'always', ref, 'true');
    assert.equal(always.code, 0, always.stderr);
    assert.match(always.stderr, /Status: Image is up to date for/);
    const missing = await docker('run', '--rm', `${open.host}/berthtest/never-pushed:1`);
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /Unable to find image/);
    assert.match(missing.stderr, /Error response from daemon: manifest for .* not found/);
  });

  test('login to an htpasswd registry: a wrong password is refused, credentials are root-only, logout takes effect', async () => {
    const ref = `${locked.host}/berthtest/private:1`;
    await docker('tag', 'busybox', ref);
    const anonymous = await docker('push', ref);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /unauthorized: authentication required/);

    const login = (password: string) =>
      agent.docker(['login', '-u', USER, '--password-stdin', locked.host], { input: `${password}\n` });
    const wrong = await login('wrong-password');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /Error response from daemon: login to .* failed: unauthorized/);
    const credentials = join(agent.dir, 'root', 'agent', 'registry-auth.json');
    assert.throws(() => statSync(credentials), 'nothing stored after a refused login');
    const ok = await login(PASSWORD);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Login Succeeded/);
    assert.equal(statSync(credentials).mode & 0o777, 0o600);
    assert.equal(statSync(join(agent.dir, 'root', 'agent')).mode & 0o777, 0o700);

    const push = await docker('push', ref);
    assert.equal(push.code, 0, push.stderr);
    await docker('rmi', ref);
    const pull = await docker('pull', ref);
    assert.equal(pull.code, 0, pull.stderr);

    const logout = await docker('logout', locked.host);
    assert.equal(logout.code, 0, logout.stderr);
    await docker('rmi', ref);
    const after = await docker('pull', ref);
    assert.equal(after.code, 1, 'the CLI sends no credentials after logout, and the pull is anonymous');
    assert.match(after.stderr, /pull access denied for .*may require 'docker login'/);
  });

  test('search asks the registry named in the term; filters, limit, and a registry without search', async () => {
    const queries: string[] = [];
    const index = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/v1/search') {
        res.writeHead(404).end();
        return;
      }
      queries.push(`${url.searchParams.get('q')} n=${url.searchParams.get('n')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          num_results: 3,
          query: url.searchParams.get('q'),
          results: [
            {
              name: 'berthtest/web',
              description: 'a web server',
              star_count: 40,
              is_official: true,
              is_automated: false,
            },
            {
              name: 'berthtest/web-tools',
              description: 'tools',
              star_count: 3,
              is_official: false,
              is_automated: true,
            },
            {
              name: 'berthtest/webby',
              description: '',
              star_count: 0,
              is_official: false,
              is_automated: false,
            },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(index.address() as AddressInfo).port}`;
      const all = await docker('search', `${host}/web`);
      assert.equal(all.code, 0, all.stderr);
      assert.match(all.stdout, /^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL/m);
      assert.match(all.stdout, /^berthtest\/web\s+a web server\s+40\s+\[OK\]/m);
      assert.equal(all.stdout.trim().split('\n').length, 4, all.stdout);
      assert.deepEqual(queries, ['web n=25'], 'the registry part of the term is not sent as the query');

      const filtered = await docker(
        'search',
        '--filter',
        'stars=3',
        '--filter',
        'is-official=false',
        `${host}/web`,
      );
      assert.equal(filtered.code, 0, filtered.stderr);
      assert.deepEqual(
        filtered.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(/\s+/)[0]),
        ['berthtest/web-tools'],
      );
      const limited = await docker('search', '--limit', '1', '--format', '{{.Name}}', `${host}/web`);
      assert.equal(limited.stdout, 'berthtest/web\n');
      const badLimit = await docker('search', '--limit', '500', `${host}/web`);
      assert.equal(badLimit.code, 1);
      assert.match(badLimit.stderr, /limit must be between 1 and 100/);
      const badFilter = await docker('search', '--filter', 'berthtest=1', `${host}/web`);
      assert.equal(badFilter.code, 1);
      assert.match(badFilter.stderr, /invalid filter 'berthtest'/);
    } finally {
      index.close();
    }
    const v2Only = await docker('search', `${open.host}/busybox`);
    assert.equal(v2Only.code, 1);
    assert.match(
      v2Only.stderr,
      new RegExp(`${open.host} does not offer search \\(GET /v1/search answered 404\\)`),
    );
  });

  test('an HTTPS registry away from loopback: refused with a clear error until its CA is in certs.d, then push and pull', async () => {
    // the registry listens on a test link's address: not loopback, so only verified HTTPS may reach it
    const link = await TestHost.create();
    let tls: TestRegistry | undefined;
    try {
      const certDir = join(agent.dir, 'tls');
      mkdirSync(certDir, { recursive: true });
      const ca = selfSignedCert(certDir, 'berthtest-ca');
      tls = await startRegistry(
        join(agent.dir, 'registry-tls'),
        { kind: 'none' },
        link.hostAddress,
        serverCertFor(certDir, ca, link.hostAddress),
      );
      const ref = `${tls.host}/berthtest/tls:1`;
      const images = async () => (await docker('images', '-q', '--no-trunc')).stdout;
      const before = await images();
      const untrustedPull = await docker('pull', ref);
      assert.equal(untrustedPull.code, 1);
      assert.match(untrustedPull.stderr, new RegExp(`the TLS certificate of ${tls.host} is not trusted`));
      assert.match(
        untrustedPull.stderr,
        new RegExp(`certs\\.d/${tls.host}/ca\\.crt`),
        'the error says how to fix it',
      );
      assert.equal(await images(), before, 'nothing stored');
      assert.equal((await docker('tag', 'busybox', ref)).code, 0);
      const untrustedPush = await docker('push', ref);
      assert.equal(untrustedPush.code, 1);
      assert.match(untrustedPush.stderr, /is not trusted/);

      const trusted = join(agent.dir, 'root', 'certs.d', tls.host);
      mkdirSync(trusted, { recursive: true });
      copyFileSync(ca.certFile, join(trusted, 'ca.crt'));
      const push = await docker('push', ref);
      assert.equal(push.code, 0, push.stderr);
      const pushed = /1: digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1];
      assert.ok(pushed, push.stdout);
      assert.equal((await docker('rmi', ref)).code, 0);
      const pull = await docker('pull', ref);
      assert.equal(pull.code, 0, pull.stderr);
      assert.match(pull.stdout, new RegExp(`Digest: ${pushed}`));
      await docker('rmi', ref);
    } finally {
      await tls?.stop();
      await link.remove();
    }
  });
});

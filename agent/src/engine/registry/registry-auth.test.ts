import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { isEngineError } from '../errors.ts';
import { busyboxArchive } from '../images/testing/busybox-image.ts';
import {
  htpasswdAvailable,
  registryAvailable,
  startRegistry,
  type TestRegistry,
} from './testing/registry-server.ts';
import { registryTestKit } from './testing/registry-test-kit.ts';
import { startTokenServer, type TokenServer } from './testing/token-server.ts';

const kit = registryTestKit();
const registries: TestRegistry[] = [];
let tokens: TokenServer | undefined;
after(async () => {
  for (const r of registries) await r.stop();
  await tokens?.close();
  kit.cleanup();
});

const USER = 'berthtest-user';
const PASSWORD = 'berthtest-secret-1';

async function pushPullRoundTrip(host: string, auth?: { username: string; password: string }) {
  const a = kit.engine();
  const { archive, image } = busyboxArchive({ tag: `${host}/berthtest/private:1` });
  await a.stack.images.load(Readable.from([archive]));
  const pushed = await a.registry.push(`${host}/berthtest/private:1`, auth ? { auth } : {});
  const b = kit.engine();
  const pulled = await b.registry.pull(`${host}/berthtest/private:1`, auth ? { auth } : {});
  assert.equal(pulled.id, image.id);
  assert.equal(pulled.digest, pushed.digest);
  return { a, b };
}

describe('registry auth', { skip: !registryAvailable() && 'apt-get install -y docker-registry' }, () => {
  describe('htpasswd basic auth', {
    skip: !htpasswdAvailable() && 'apt-get install -y apache2-utils',
  }, () => {
    let host = '';
    before(async () => {
      const r = await startRegistry(join(kit.root, 'basic'), {
        kind: 'htpasswd',
        users: { [USER]: PASSWORD },
      });
      registries.push(r);
      host = r.host;
    });

    it('refuses anonymous pushes and pulls, and a wrong password at login (storing nothing)', async () => {
      const e = kit.engine();
      const { archive } = busyboxArchive({ tag: `${host}/berthtest/private:anon` });
      await e.stack.images.load(Readable.from([archive]));
      await assert.rejects(
        e.registry.push(`${host}/berthtest/private:anon`),
        (err) => isEngineError(err, 'forbidden') && /unauthorized/.test(err.message),
      );
      await assert.rejects(e.registry.pull(`${host}/berthtest/private:anon`), (err) =>
        isEngineError(err, 'forbidden'),
      );
      await assert.rejects(
        e.registry.login(host, USER, 'wrong'),
        (err) => isEngineError(err, 'unauthorized') && /incorrect username or password/.test(err.message),
      );
      assert.equal(existsSync(join(e.agentDir, 'registry-auth.json')), false);
    });

    it('pushes and pulls with explicit credentials', async () => {
      await pushPullRoundTrip(host, { username: USER, password: PASSWORD });
    });

    it('logs in, keeps the credentials readable only by root, uses them, and logs out', async () => {
      const e = kit.engine();
      assert.deepEqual(await e.registry.login(`http://${host}/`, USER, PASSWORD), {
        Status: 'Login Succeeded',
        IdentityToken: '',
      });
      const file = join(e.agentDir, 'registry-auth.json');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(e.agentDir).mode & 0o777, 0o700);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).auths[host], {
        username: USER,
        password: PASSWORD,
      });
      const { archive, image } = busyboxArchive({ tag: `${host}/berthtest/private:stored` });
      await e.stack.images.load(Readable.from([archive]));
      await e.registry.push(`${host}/berthtest/private:stored`);
      await e.stack.images.remove(`${host}/berthtest/private:stored`, { force: true });
      assert.equal((await e.registry.pull(`${host}/berthtest/private:stored`)).id, image.id);
      assert.deepEqual(await e.registry.logout(host), { removed: true });
      await assert.rejects(e.registry.pull(`${host}/berthtest/private:stored`), (err) =>
        isEngineError(err, 'forbidden'),
      );
    });
  });

  describe('bearer tokens from a token server', () => {
    let host = '';
    before(async () => {
      tokens = await startTokenServer(kit.root, { [USER]: PASSWORD });
      const r = await startRegistry(join(kit.root, 'token'), {
        kind: 'token',
        realm: tokens.realm,
        service: tokens.service,
        issuer: tokens.issuer,
        certFile: tokens.certFile,
      });
      registries.push(r);
      host = r.host;
    });

    it('fetches a token per scope, caches it, and round-trips an image', async () => {
      const t = tokens as TokenServer;
      t.issued.length = 0;
      const { b } = await pushPullRoundTrip(host, { username: USER, password: PASSWORD });
      assert.ok(t.issued.includes('repository:berthtest/private:pull,push'), String(t.issued));
      assert.ok(t.issued.includes('repository:berthtest/private:pull'), String(t.issued));
      // pushing needed one token for all its blob and manifest requests; pulling one for its own
      assert.equal(t.issued.length, 2, String(t.issued));
      await b.registry.pull(`${host}/berthtest/private:1`, { auth: { username: USER, password: PASSWORD } });
      assert.equal(t.issued.length, 2, 'the cached pull token served the second pull');
    });

    it('refuses bad credentials at the token server, and login with them', async () => {
      const e = kit.engine();
      await assert.rejects(
        e.registry.pull(`${host}/berthtest/private:1`, { auth: { username: USER, password: 'nope' } }),
        (err) => isEngineError(err, 'forbidden') && /incorrect username or password/.test(err.message),
      );
      await assert.rejects(e.registry.login(host, USER, 'nope'), (err) => isEngineError(err, 'unauthorized'));
      assert.deepEqual(await e.registry.login(host, USER, PASSWORD), {
        Status: 'Login Succeeded',
        IdentityToken: '',
      });
      const pulled = await e.registry.pull(`${host}/berthtest/private:1`);
      assert.ok(pulled.id);
    });
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ApiFixture, startApiFixture } from '../../../apps/web/src/server/testing/api-fixture.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'berth');

describe('the berth CLI against a real control plane', () => {
  let f: ApiFixture;
  let home: string;
  let hostId: string;

  before(async () => {
    f = await startApiFixture();
    home = mkdtempSync(join(tmpdir(), 'berthtest-cli-'));
    await f.makeUser('berthtest-admin', 'admin', 'berthtest-admin-pw');
    hostId = await f.makeHost('berthtest-h1');
  });
  after(async () => {
    await f?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function berth(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = { PATH: process.env.PATH ?? '', HOME: home, ...options.env };
      const child = execFile(BIN, args, { env }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      });
      child.stdin?.end(options.stdin ?? '');
    });
  }

  const configFile = () => join(home, '.config', 'berth', 'config.json');

  test('login with a wrong password fails clearly and saves nothing', async () => {
    const result = await berth(['login', f.cp.url, '-u', 'berthtest-admin', '--password-stdin'], {
      stdin: 'berthtest-wrong\n',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^berth: login failed: Wrong username or password\./);
    assert.throws(() => statSync(configFile()));
  });

  test('login mints a token for this machine, ends its session and saves the token privately', async () => {
    const sessionsBefore = await f.cp.deps.db.session.count();
    const result = await berth(
      ['login', f.cp.url, '-u', 'berthtest-admin', '--password-stdin', '--scope', 'admin'],
      {
        stdin: 'berthtest-admin-pw\n',
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Logged in to .* as berthtest-admin \(admin\)/);
    assert.equal(statSync(configFile()).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(configFile(), 'utf8')) as { url: string; token: string };
    assert.equal(saved.url, f.cp.url);
    assert.match(saved.token, /^berth_/);
    const row = await f.cp.deps.db.apiToken.findFirstOrThrow({ where: { name: { startsWith: 'cli@' } } });
    assert.equal(row.scope, 'admin');
    assert.equal(await f.cp.deps.db.session.count(), sessionsBefore, 'the login session was ended');
  });

  test('hosts: list, rename and label through the saved token', async () => {
    const listed = await berth(['hosts']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+NAME\s+STATUS/);
    assert.match(listed.stdout, new RegExp(`${hostId}\\s+berthtest-h1\\s+offline`));
    assert.equal((await berth(['hosts', 'rename', 'berthtest-h1', 'berthtest-h2'])).code, 0);
    assert.equal((await berth(['hosts', 'labels', 'berthtest-h2', 'env=prod', 'tier=web'])).code, 0);
    const host = await f.cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } });
    assert.equal(host.name, 'berthtest-h2');
    assert.deepEqual(host.labels, { env: 'prod', tier: 'web' });
    const bad = await berth(['hosts', 'labels', 'berthtest-h2', 'no-equals-sign']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /labels are KEY=VALUE/);
    const unknown = await berth(['hosts', 'rename', 'berthtest-nope', 'x']);
    assert.match(unknown.stderr, /no host "berthtest-nope"/);
  });

  test('tokens: create (shown once), a read token cannot change anything, revoke stops it', async () => {
    const created = await berth(['token', 'create', 'berthtest-ci', '--scope', 'read']);
    assert.equal(created.code, 0, created.stderr);
    const readToken = created.stdout.trim();
    assert.match(readToken, /^berth_/);
    const asRead = { BERTH_URL: f.cp.url, BERTH_TOKEN: readToken };
    assert.equal((await berth(['hosts'], { env: asRead })).code, 0);
    const refused = await berth(['hosts', 'rename', 'berthtest-h2', 'berthtest-h3'], { env: asRead });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /read-only \(scope read\) \(HTTP 403\)/);
    assert.equal((await f.cp.deps.db.host.findUniqueOrThrow({ where: { id: hostId } })).name, 'berthtest-h2');

    const list = await berth(['token', 'list']);
    assert.match(list.stdout, /berthtest-ci\s+read/);
    assert.equal((await berth(['token', 'revoke', 'berthtest-ci'])).code, 0);
    const revoked = await berth(['hosts'], { env: asRead });
    assert.equal(revoked.code, 1);
    assert.match(revoked.stderr, /unknown or revoked API token \(HTTP 401\)/);
  });

  test('ps lists containers across hosts (none here: no agent joined); an unreachable URL is named', async () => {
    const result = await berth(['ps']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /HOST\s+CONTAINER ID\s+IMAGE\s+STATUS\s+NAME/);
    const missing = await berth(['stop', 'berthtest-nothing']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no container "berthtest-nothing"/);
    const unreachable = await berth(['hosts'], {
      env: { BERTH_URL: 'http://127.0.0.1:9', BERTH_TOKEN: 'berth_x' },
    });
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});

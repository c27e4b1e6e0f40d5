import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestDatabase, type TestDatabase } from '@berth/db/testing';
import { processAlive } from '@berth/process';
import { ensureFirstAdmin } from '../../auth/first-admin.ts';
import { hashPassword } from '../../auth/password.ts';
import { loadConfig } from '../../config.ts';
import { type ControlPlane, startControlPlane } from '../../control-plane.ts';
import { addHostOverSsh } from './add-host-over-ssh.ts';
import { checkRemote } from './remote-checks.ts';
import type { SshAddError } from './ssh-add-error.ts';
import type { SshAddInput } from './ssh-add-input.ts';
import type { SshAddJob } from './ssh-add-jobs.ts';
import { SshConnection } from './ssh-connection.ts';
import { startTestSshd, type TestSshd } from './testing/sshd-netns.ts';

const WRONG_PASSWORD = 'berthtest-not-the-password';
const VIEWER_PASSWORD = 'berthtest-viewer-pw';

function ping(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/_ping' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve(body));
    });
    req.once('error', reject);
    req.end();
  });
}

async function stopProcess(pid: number): Promise<void> {
  if (!processAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** The test cgroup parent in every mounted hierarchy (v1, v2 or hybrid), removed when empty. */
function removeCgroupParent(name: string): void {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (!/ - cgroup2? /.test(line)) continue;
    const dir = join(line.split(' ')[4] ?? '/nonexistent', name);
    if (existsSync(dir)) rmdirSync(dir);
  }
}

describe('adding a host over SSH (real sshd in a netns, real control plane and PostgreSQL)', () => {
  let db: TestDatabase;
  let cp: ControlPlane;
  let sshd: TestSshd;
  let admin: { id: string; username: string };
  let adminPassword = '';
  const cgroupParent = `berthtest-ssh-${process.pid}`;

  const dataRoot = () => join(sshd.dir, 'agent-data');
  const strayDataRoot = () => join(sshd.dir, 'stray', 'data');
  /** The pid in an agent's pid file, if that process is still an agent installed under the test dir. */
  const agentPidOf = (root: string): number | undefined => {
    const pidFile = join(root, 'agent', 'agent.pid');
    if (!existsSync(pidFile)) return undefined;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(sshd.dir) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const socket = () => join(sshd.dir, 'docker.sock');

  before(async () => {
    sshd = await startTestSshd();
    db = await startTestDatabase();
    // The control plane listens on the bridge, where the namespace's agent can reach it; the
    // agent installs into the sshd's temp dir and runs without systemd.
    cp = await startControlPlane({
      config: loadConfig({ PORT: '0', HOST: sshd.hostAddress, BERTH_DATA: db.dir }),
      databaseUrl: db.url,
      log: () => {},
      pages: false,
      sshAdd: {
        connectTimeoutMs: 5000,
        joinTimeoutMs: 30_000,
        uploadParent: sshd.dir,
        install: {
          prefix: join(sshd.dir, 'prefix'),
          dataRoot: dataRoot(),
          dockerSocket: socket(),
          configDir: join(sshd.dir, 'etc'),
          cgroupParent,
          systemd: false,
        },
      },
    });
    const first = await ensureFirstAdmin(cp.deps, db.dir);
    adminPassword = first?.password ?? '';
    admin = await cp.deps.db.user.findFirstOrThrow();
    await cp.deps.db.user.create({
      data: {
        username: 'berthtest-viewer',
        passwordHash: await hashPassword(VIEWER_PASSWORD),
        role: 'viewer',
      },
    });
  });
  after(async () => {
    for (const root of [dataRoot(), strayDataRoot()]) {
      const pid = sshd && agentPidOf(root);
      if (pid) await stopProcess(pid);
    }
    removeCgroupParent(cgroupParent);
    await cp?.close();
    await db?.stop();
    await sshd?.stop();
  });

  async function login(username: string, password: string): Promise<string> {
    const res = await fetch(`${cp.url}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: cp.url },
      body: JSON.stringify({ username, password }),
    });
    assert.equal(res.status, 200);
    return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }
  async function trpc(
    path: string,
    cookie: string,
    input?: unknown,
  ): Promise<{ status: number; data: unknown }> {
    const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = path.endsWith('.start')
      ? await fetch(`${cp.url}/api/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: cp.url, cookie },
          body: JSON.stringify(input),
        })
      : await fetch(`${cp.url}/api/trpc/${path}${query}`, { headers: { cookie } });
    const body = (await res.json()) as { result?: { data: unknown } };
    return { status: res.status, data: body.result?.data };
  }

  const input = (overrides: Partial<SshAddInput> = {}): SshAddInput => ({
    address: sshd.address,
    port: sshd.port,
    user: 'root',
    auth: { kind: 'key', privateKey: sshd.clientKey },
    hostKeyFingerprint: sshd.fingerprint,
    controlPlaneUrl: cp.url,
    ...overrides,
  });
  const attempt = (inp: SshAddInput): Promise<SshAddJob> => addHostOverSsh(cp.deps, admin, inp).done;
  const usableTokens = () =>
    cp.deps.db.joinToken.count({ where: { usedAt: null, expiresAt: { gt: new Date() } } });
  const lastAudit = () =>
    cp.deps.db.auditLog.findFirstOrThrow({ where: { action: 'host.add-ssh' }, orderBy: { at: 'desc' } });

  const uploadsLeft = () => readdirSync(sshd.dir).filter((name) => name.startsWith('berth-install.'));

  async function assertFailedCleanly(job: SshAddJob, code: string, secret?: string) {
    assert.equal(job.state, 'failed');
    assert.deepEqual(uploadsLeft(), [], 'the upload directory is removed');
    assert.equal(job.error?.code, code, job.error?.message);
    assert.equal(await cp.deps.db.host.count(), 0, 'no host row');
    assert.equal(await usableTokens(), 0, 'no usable join token');
    const audit = await lastAudit();
    assert.equal(audit.result, 'failure');
    assert.equal(audit.target, `${job.target}`);
    assert.equal((audit.detail as { error?: { code?: string } }).error?.code, code);
    if (secret) assert.ok(!JSON.stringify(audit).includes(secret), 'the secret is not audited');
  }

  test('first contact without a fingerprint stops before logging in and shows the host key ssh-keygen sees', async () => {
    const { hostKeyFingerprint: _pinned, ...unpinned } = input();
    const job = await attempt(unpinned);
    await assertFailedCleanly(job, 'host-key-unconfirmed');
    assert.deepEqual(job.hostKey, { type: 'ssh-ed25519', fingerprint: sshd.fingerprint });
    assert.equal(job.error?.step, 'connect');
    assert.equal(job.error?.message, `confirm the ssh-ed25519 host key ${sshd.fingerprint}`);
  });

  test('a pinned fingerprint that does not match refuses to log in', async () => {
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const job = await attempt(input({ hostKeyFingerprint: wrong }));
    await assertFailedCleanly(job, 'host-key-mismatch');
    assert.equal(job.hostKey?.fingerprint, sshd.fingerprint, 'the key seen is shown');
    assert.match(job.error?.message ?? '', /not the pinned/);
  });

  test('a wrong password is an authentication failure; the password is never recorded', async () => {
    const job = await attempt(input({ auth: { kind: 'password', password: WRONG_PASSWORD } }));
    await assertFailedCleanly(job, 'auth-failed', WRONG_PASSWORD);
    assert.match(job.error?.message ?? '', /authentication as root failed/);
  });

  test('a private key that cannot be read is an authentication failure, before dialling', async () => {
    const privateKey =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nberthtestnotakey\n-----END OPENSSH PRIVATE KEY-----\n';
    const job = await attempt(input({ auth: { kind: 'key', privateKey } }));
    await assertFailedCleanly(job, 'auth-failed', 'berthtestnotakey');
    assert.match(job.error?.message ?? '', /^cannot use the private key: /);
    assert.equal(job.hostKey, null);
  });

  test('a port where nothing listens is unreachable', async () => {
    const closed = sshd.noNodePort + 1;
    const job = await attempt(input({ port: closed }));
    await assertFailedCleanly(job, 'unreachable');
    assert.ok(job.error?.message.startsWith(`cannot reach ${sshd.address}:${closed}: `), job.error?.message);
  });

  test('a host without Node on the PATH is refused at the check, before anything is uploaded', async () => {
    const job = await attempt(input({ port: sshd.noNodePort }));
    await assertFailedCleanly(job, 'no-node');
    assert.equal(job.error?.step, 'check');
    assert.match(job.error?.message ?? '', /^Node\.js is not installed on the host/);
    const audit = await lastAudit();
    assert.equal((audit.detail as { step?: string }).step, 'check');
  });

  test('an account whose shell runs no commands fails the check and shows what the shell said', async () => {
    const job = await attempt(input({ user: 'nobody' }));
    await assertFailedCleanly(job, 'check-failed');
    assert.equal(job.error?.message, 'the login shell did not run the check command');
    assert.match(job.error?.outputTail ?? '', /not available/);
  });

  test("a host of another architecture than the bundle's is refused at the check", async () => {
    const ssh = await SshConnection.open(input(), 5000);
    try {
      const otherArch = process.arch === 'arm64' ? 'x64' : 'arm64';
      await assert.rejects(
        checkRemote(ssh, { bundleArch: otherArch }),
        (err: SshAddError) =>
          err.code === 'arch-mismatch' &&
          /^the host is \S+ but this control plane's agent bundle is for/.test(err.message),
      );
      const facts = await checkRemote(ssh, { dataRoot: dataRoot() });
      assert.equal(facts.sudo, '', 'root needs no sudo');
      assert.match(facts.node, /^v\d+\./);
    } finally {
      ssh.close();
    }
  });

  test('a failing install-agent.sh fails the attempt with the last lines of its output', async () => {
    const { jobs, options } = cp.deps.sshAdd;
    // /proc refuses new directories, so the script fails at its first step, copying the agent.
    const failing = {
      jobs,
      options: { ...options, install: { ...options.install, prefix: '/proc/berthtest-no' } },
    };
    const job = await addHostOverSsh({ ...cp.deps, sshAdd: failing }, admin, input()).done;
    await assertFailedCleanly(job, 'install-failed');
    assert.equal(job.error?.step, 'install');
    assert.match(job.error?.message ?? '', /install-agent\.sh failed \(exit 1\)/);
    assert.match(
      job.error?.outputTail ?? '',
      /berthtest-no.*No such file or directory|cannot create directory/,
    );
    assert.ok(!existsSync(join(sshd.dir, 'etc', 'agent.env')), 'nothing was configured');
  });

  test('an agent that cannot reach the control plane ends in join-timeout; its token is expired', async () => {
    const { jobs, options } = cp.deps.sshAdd;
    const dir = join(sshd.dir, 'stray');
    const install = {
      ...options.install,
      dataRoot: strayDataRoot(),
      dockerSocket: join(dir, 'docker.sock'),
      configDir: join(dir, 'etc'),
    };
    const short = { jobs, options: { ...options, install, joinTimeoutMs: 2000 } };
    const nowhere = `http://${sshd.hostAddress}:1`;
    const job = await addHostOverSsh(
      { ...cp.deps, sshAdd: short },
      admin,
      input({ controlPlaneUrl: nowhere }),
    ).done;
    const pid = agentPidOf(strayDataRoot());
    assert.ok(pid, 'the agent was started');
    await stopProcess(pid);
    await assertFailedCleanly(job, 'join-timeout');
    assert.equal(job.error?.step, 'join');
    assert.match(
      job.error?.message ?? '',
      new RegExp(`did not come online in 2 s \\(can it reach ${nowhere}\\?\\)`),
    );
    assert.match(job.error?.outputTail ?? '', /berth: agent started/);
  });

  test('hostSsh is for admins, validates its input and shows an attempt only to its owner', async () => {
    const viewer = await login('berthtest-viewer', VIEWER_PASSWORD);
    assert.equal((await trpc('hostSsh.start', '', input())).status, 401);
    assert.equal((await trpc('hostSsh.start', viewer, input())).status, 403);
    const cookie = await login('admin', adminPassword);
    const badFingerprint = await trpc('hostSsh.start', cookie, {
      ...input(),
      hostKeyFingerprint: 'SHA256:short',
    });
    assert.equal(badFingerprint.status, 400);
    const noPassword = await trpc('hostSsh.start', cookie, {
      ...input(),
      auth: { kind: 'password', password: '' },
    });
    assert.equal(noPassword.status, 400);
    const unknown = await trpc('hostSsh.status', cookie, { jobId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(unknown.status, 404);
    assert.equal(
      await cp.deps.db.auditLog.count({ where: { action: 'host.add-ssh', actorUserId: { not: admin.id } } }),
      0,
    );
  });

  test('over tRPC, a key and the confirmed fingerprint install the agent, which joins: host online, agent running', async () => {
    const cookie = await login('admin', adminPassword);
    const started = await trpc('hostSsh.start', cookie, input());
    assert.equal(started.status, 200);
    const { jobId } = started.data as { jobId: string };
    let job = (await trpc('hostSsh.status', cookie, { jobId })).data as SshAddJob;
    const steps = new Set<string>([job.step]);
    const deadline = Date.now() + 120_000;
    while (job.state === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await trpc('hostSsh.status', cookie, { jobId })).data as SshAddJob;
      steps.add(job.step);
    }
    const agentPid = agentPidOf(dataRoot());
    assert.equal(job.state, 'succeeded', `${job.error?.message}\n${job.output}`);
    assert.ok(steps.has('install') && steps.has('join'), `progress seen: ${[...steps].join(', ')}`);
    assert.deepEqual(job.hostKey, { type: 'ssh-ed25519', fingerprint: sshd.fingerprint });
    assert.match(job.output, /berth: agent started \(pid \d+\)/);
    assert.doesNotMatch(job.output, /bjt_/, 'the join token is not in the progress output');
    assert.deepEqual(uploadsLeft(), [], 'the upload directory is removed');
    const viewer = await login('berthtest-viewer', VIEWER_PASSWORD);
    assert.equal((await trpc('hostSsh.status', viewer, { jobId })).status, 403);

    const listed = (await trpc('hosts.list', cookie)).data as { id: string; status: string }[];
    assert.deepEqual(
      listed.map((h) => ({ id: h.id, status: h.status })),
      [{ id: job.hostId, status: 'online' }],
    );
    assert.ok(agentPid && processAlive(agentPid), 'the agent runs');
    assert.equal(await ping(socket()), 'OK', "the agent's Docker API answers");
    assert.equal(await usableTokens(), 0, 'the join token was used');

    const audit = await lastAudit();
    assert.equal(audit.result, 'success');
    assert.equal(audit.hostId, job.hostId);
    assert.ok(!JSON.stringify(audit).includes('PRIVATE KEY'), 'the key is not audited');
    const env = readFileSync(join(sshd.dir, 'etc', 'agent.env'), 'utf8');
    assert.match(env, new RegExp(`BERTH_AGENT_DATA_ROOT=${dataRoot()}`));
  });

  test('adding the same host again is refused at the check: its agent has already joined', async () => {
    const job = await attempt(input());
    assert.equal(job.state, 'failed');
    assert.equal(job.error?.code, 'already-installed', job.error?.message);
    assert.equal(job.error?.step, 'check');
    assert.ok(job.error?.message.includes(join(dataRoot(), 'agent', 'credential.json')));
    assert.equal(await cp.deps.db.host.count(), 1, 'no second host');
    assert.equal(await usableTokens(), 0);
    assert.equal((await lastAudit()).result, 'failure');
  });
});

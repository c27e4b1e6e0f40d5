/**
 * Adds a host over SSH as a straight list of named steps: connect (host key pinned, then
 * authenticate), check the remote, upload the agent bundle, run install-agent.sh with a fresh join
 * token (its output streamed into the attempt), and wait until the host joins. Every attempt ends
 * in one audit record; a failed one leaves no usable join token and no host row.
 */

import { recordAudit } from '../../audit/record-audit.ts';
import type { Deps } from '../../deps.ts';
import { createJoinToken } from '../create-join-token.ts';
import { packAgentBundle } from './agent-bundle.ts';
import { checkRemote, type RemoteFacts } from './remote-checks.ts';
import { shellQuote } from './shell-quote.ts';
import { SshAddError, type SshAddErrorCode } from './ssh-add-error.ts';
import type { SshAddInput } from './ssh-add-input.ts';
import type { SshAddJob, SshAddStep } from './ssh-add-jobs.ts';
import { SshConnection } from './ssh-connection.ts';

/** install-agent.sh's options beyond the control plane and token (tests install into temp dirs). */
export interface InstallFlags {
  prefix?: string;
  dataRoot?: string;
  dockerSocket?: string;
  configDir?: string;
  cgroupParent?: string;
  systemd?: boolean;
}

export interface SshAddOptions {
  connectTimeoutMs?: number;
  installTimeoutMs?: number;
  joinTimeoutMs?: number;
  /** where on the host the bundle is unpacked, in a fresh `berth-install.*` directory (default /tmp) */
  uploadParent?: string;
  install?: InstallFlags;
}

export interface SshAddActor {
  id: string;
  username: string;
}

const TAIL_LINES = 20;

/** What an unexpected error in a step means to the user. */
const STEP_FAILURE: Record<SshAddStep, SshAddErrorCode> = {
  connect: 'unreachable',
  check: 'check-failed',
  upload: 'upload-failed',
  install: 'install-failed',
  join: 'join-timeout',
};

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
}

function installCommand(dir: string, url: string, token: string, sudo: string, flags: InstallFlags): string {
  const args = ['--control-plane', url, '--join-token', token];
  if (flags.prefix) args.push('--prefix', flags.prefix);
  if (flags.dataRoot) args.push('--data-root', flags.dataRoot);
  if (flags.dockerSocket) args.push('--docker-socket', flags.dockerSocket);
  if (flags.configDir) args.push('--config-dir', flags.configDir);
  if (flags.cgroupParent) args.push('--cgroup-parent', flags.cgroupParent);
  if (flags.systemd === false) args.push('--no-systemd');
  const script = shellQuote(`${dir}/infra/install-agent.sh`);
  // The upload directory goes whatever the outcome; the script's status is the command's.
  return `${sudo}bash ${script} ${args.map(shellQuote).join(' ')} 2>&1`;
}

async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => SshAddError): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForJoin(deps: Deps, tokenId: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const token = await deps.db.joinToken.findUnique({
      where: { id: tokenId },
      select: { host: { select: { id: true, status: true } } },
    });
    if (token?.host?.status === 'online') return token.host.id;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/** Streams the bundle into `dir` over SFTP and unpacks it there. */
async function uploadBundle(ssh: SshConnection, dir: string): Promise<void> {
  const bundle = await packAgentBundle();
  await Promise.all([ssh.upload(bundle.stream, `${dir}/agent.tar.gz`), bundle.done]);
  const unpacked = await ssh.exec(`tar -xzf ${shellQuote(`${dir}/agent.tar.gz`)} -C ${shellQuote(dir)}`);
  if (unpacked.code !== 0)
    throw new SshAddError(
      'upload-failed',
      `unpacking the agent bundle failed: ${lastLines(unpacked.stderr)}`,
    );
}

interface Attempt {
  deps: Deps;
  job: SshAddJob;
  actor: SshAddActor;
  input: SshAddInput;
  options: SshAddOptions;
  /** called as soon as the join token exists, so a failure can expire it */
  onToken: (id: string) => void;
}

/** Runs install-agent.sh from `dir` with a fresh join token; returns the token's id. */
async function installAgent(
  a: Attempt,
  ssh: SshConnection,
  facts: RemoteFacts,
  dir: string,
): Promise<string> {
  const { deps, job, options } = a;
  const installTimeoutMs = options.installTimeoutMs ?? 10 * 60_000;
  const token = await createJoinToken(deps.db, {
    createdBy: a.actor,
    ttlMs: installTimeoutMs + (options.joinTimeoutMs ?? 60_000),
    note: `over SSH: ${job.target}`,
  });
  a.onToken(token.id);
  const command = installCommand(
    dir,
    a.input.controlPlaneUrl,
    token.token,
    facts.sudo,
    options.install ?? {},
  );
  const installed = await withTimeout(
    ssh.exec(command, (text) => deps.sshAdd.jobs.appendOutput(job, text)),
    installTimeoutMs,
    () =>
      new SshAddError('install-failed', `install-agent.sh did not finish in ${installTimeoutMs / 1000} s`, {
        outputTail: lastLines(job.output),
      }),
  );
  if (installed.code !== 0)
    throw new SshAddError('install-failed', `install-agent.sh failed (exit ${installed.code ?? 'signal'})`, {
      outputTail: lastLines(job.output),
    });
  return token.id;
}

async function run(a: Attempt): Promise<RemoteFacts> {
  const { job, input, options } = a;
  job.step = 'connect';
  const ssh = await SshConnection.open(input, options.connectTimeoutMs ?? 15_000);
  try {
    job.hostKey = ssh.hostKey;
    job.step = 'check';
    const facts = await checkRemote(ssh, { dataRoot: options.install?.dataRoot });

    job.step = 'upload';
    const parent = options.uploadParent ?? '/tmp';
    const made = await ssh.exec(`mktemp -d ${shellQuote(`${parent}/berth-install.XXXXXX`)}`);
    const dir = made.stdout.trim();
    if (made.code !== 0 || !dir.startsWith(`${parent}/berth-install.`))
      throw new SshAddError('upload-failed', `cannot make a directory in ${parent}: ${made.stderr.trim()}`);
    let tokenId: string;
    try {
      await uploadBundle(ssh, dir);
      job.step = 'install';
      tokenId = await installAgent(a, ssh, facts, dir);
    } finally {
      // The upload goes whatever happened (a dropped connection leaves it to the host's tmp cleaning).
      await ssh.exec(`rm -rf ${shellQuote(dir)}`).catch(() => undefined);
    }

    job.step = 'join';
    const joinTimeoutMs = options.joinTimeoutMs ?? 60_000;
    const hostId = await waitForJoin(a.deps, tokenId, joinTimeoutMs);
    if (!hostId)
      throw new SshAddError(
        'join-timeout',
        `the agent was installed but its host did not come online in ${joinTimeoutMs / 1000} s (can it reach ${input.controlPlaneUrl}?)`,
        { outputTail: lastLines(job.output) },
      );
    job.hostId = hostId;
    return facts;
  } finally {
    ssh.close();
  }
}

/**
 * Starts an attempt and returns it at once; `done` settles when it has ended (and been audited).
 * The credentials in `input` are used by this attempt only and kept nowhere.
 */
export function addHostOverSsh(
  deps: Deps,
  actor: SshAddActor,
  input: SshAddInput,
): { job: SshAddJob; done: Promise<SshAddJob> } {
  const { jobs, options } = deps.sshAdd;
  const target = `${input.user}@${input.address}:${input.port}`;
  const job = jobs.create(actor.id, target);
  let tokenId: string | undefined;
  const done = (async () => {
    let facts: RemoteFacts | undefined;
    try {
      facts = await run({
        deps,
        job,
        actor,
        input,
        options,
        onToken: (id) => {
          tokenId = id;
        },
      });
      job.state = 'succeeded';
    } catch (err) {
      const error =
        err instanceof SshAddError ? err : new SshAddError(STEP_FAILURE[job.step], (err as Error).message);
      if (error.details.hostKey) job.hostKey = error.details.hostKey;
      job.error = {
        code: error.code,
        step: job.step,
        message: error.message,
        outputTail: error.details.outputTail ?? null,
      };
      job.state = 'failed';
      // A token an install never used must not stay usable (the agent may still be retrying).
      if (tokenId)
        await deps.db.joinToken.updateMany({
          where: { id: tokenId, usedAt: null },
          data: { expiresAt: new Date() },
        });
    }
    await recordAudit(deps.db, {
      actorKind: 'user',
      actor: actor.username,
      actorUserId: actor.id,
      action: 'host.add-ssh',
      hostId: job.hostId,
      target,
      result: job.state === 'succeeded' ? 'success' : 'failure',
      detail: {
        step: job.step,
        hostKey: job.hostKey ? { ...job.hostKey } : null,
        pinned: input.hostKeyFingerprint ?? null,
        authKind: input.auth.kind,
        arch: facts?.arch ?? null,
        kernel: facts?.kernel ?? null,
        error: job.error ? { code: job.error.code, message: job.error.message } : null,
      },
    });
    jobs.finish(job);
    return { ...job };
  })();
  return { job: { ...job }, done };
}

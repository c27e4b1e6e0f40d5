/**
 * For tests only: a throwaway OpenSSH server in its own network namespace `berthtest-ssh-<n>`,
 * reached over a veth pair from a `berthtest<n>br` bridge on this machine, so the sshd (which runs
 * as root) answers only on a test address and port. It runs in a private mount namespace with a
 * tmpfs on /run (sshd insists on /run/sshd; this machine's /run stays untouched), accepts root with
 * the generated client key only (passwords are refused), and is stopped by its pid.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestSshd {
  /** the bridge's address: where this machine (the control plane) listens for the namespace */
  hostAddress: string;
  /** the sshd's address inside the namespace */
  address: string;
  port: number;
  /** a second port whose sessions have a PATH without node (the host "has no Node") */
  noNodePort: number;
  dir: string;
  clientKey: string;
  /** the host key's fingerprint as `ssh-keygen -lf` prints it */
  fingerprint: string;
  stop(): Promise<void>;
}

const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

function freeSubnet(): string {
  const used = sh('ip', ['-4', '-o', 'addr']);
  for (let i = 0; i < 50; i++) {
    const net = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250) + 1}`;
    if (!used.includes(` ${net}.`)) return net;
  }
  throw new Error('no free 10.x.y.0/24 for the test network');
}

async function waitForPort(
  address: string,
  port: number,
  sshd: ChildProcess,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (sshd.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: address, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${address}:${port}: ${log()}`);
}

export async function startTestSshd(): Promise<TestSshd> {
  const n = Math.floor(Math.random() * 0xffff)
    .toString(16)
    .padStart(4, '0');
  const netns = `berthtest-ssh-${n}`;
  const bridge = `berthtest${n}br`;
  const veth = `berthtest${n}h`;
  const peer = `berthtest${n}n`;
  const dir = mkdtempSync(join(tmpdir(), 'berthtest-sshd-'));
  chmodSync(dir, 0o755);
  const cleanups: (() => void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const undo = () => {
    for (const step of cleanups.reverse()) {
      try {
        step();
      } catch {
        // each object is removed independently; one already gone must not keep the others
      }
    }
  };
  let sshd: ChildProcess | undefined;
  try {
    const net = freeSubnet();
    sh('ip', ['netns', 'add', netns]);
    cleanups.push(() => sh('ip', ['netns', 'del', netns]));
    sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
    cleanups.push(() => sh('ip', ['link', 'del', bridge]));
    sh('ip', ['addr', 'add', `${net}.1/24`, 'dev', bridge]);
    sh('ip', ['link', 'set', bridge, 'up']);
    sh('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', peer]);
    cleanups.push(() => sh('ip', ['link', 'del', veth]));
    sh('ip', ['link', 'set', veth, 'master', bridge, 'up']);
    sh('ip', ['link', 'set', peer, 'netns', netns]);
    sh('ip', ['-n', netns, 'addr', 'add', `${net}.2/24`, 'dev', peer]);
    sh('ip', ['-n', netns, 'link', 'set', peer, 'up']);
    sh('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);

    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'berthtest-host', '-f', join(dir, 'host_key')]);
    sh('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'berthtest-client',
      '-f',
      join(dir, 'client_key'),
    ]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
    const fingerprint = sh('ssh-keygen', ['-lf', join(dir, 'host_key.pub')]).split(' ')[1] ?? '';
    const port = 2222;
    const noNodePort = 2223;
    // What the remote check needs, without node: sessions on noNodePort get only this PATH.
    const noNodeBin = join(dir, 'no-node-bin');
    mkdirSync(noNodeBin);
    for (const tool of ['uname', 'id', 'grep', 'tar', 'mktemp', 'rm', 'cat']) {
      symlinkSync(sh('sh', ['-c', `command -v ${tool}`]).trim(), join(noNodeBin, tool));
    }
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `ListenAddress ${net}.2`,
        `Port ${port}`,
        `Port ${noNodePort}`,
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'StrictModes no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'Subsystem sftp internal-sftp',
        `Match LocalPort ${noNodePort}`,
        `  SetEnv PATH=${noNodeBin}`,
        '',
      ].join('\n'),
    );
    let log = '';
    // nsenter, unshare and sh each exec the next, so the pid spawn returns is sshd's.
    sshd = spawn(
      'nsenter',
      [
        `--net=/run/netns/${netns}`,
        'unshare',
        '--mount',
        '--propagation',
        'slave',
        'sh',
        '-c',
        `mount -t tmpfs -o size=4m,mode=0755 berthtest-run /run && mkdir /run/sshd && exec /usr/sbin/sshd -D -e -f ${config}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const child = sshd;
    child.stdout?.on('data', (c: Buffer) => {
      log += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      log += c.toString();
    });
    cleanups.push(() => child.exitCode === null && child.kill('SIGTERM'));
    await waitForPort(`${net}.2`, port, child, () => log);
    return {
      hostAddress: `${net}.1`,
      address: `${net}.2`,
      port,
      noNodePort,
      dir,
      clientKey: readFileSync(join(dir, 'client_key'), 'utf8'),
      fingerprint,
      stop: async () => {
        const exited = new Promise((resolve) =>
          child.exitCode === null ? child.once('exit', resolve) : resolve(0),
        );
        undo();
        await exited;
      },
    };
  } catch (err) {
    undo();
    throw err;
  }
}

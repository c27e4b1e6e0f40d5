/**
 * One SSH connection to a host being added: host-key pinning, authentication with a password or
 * a private key (held only for the handshake), command execution with streamed output, and SFTP
 * upload. Failures become SshAddError with the step they happened in.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ssh2 from 'ssh2';
import { type HostKey, SshAddError } from './ssh-add-error.ts';
import type { SshAddInput } from './ssh-add-input.ts';

/**
 * OpenSSH's form: `SHA256:` and the unpadded base64 of the SHA-256 of the host key blob; the
 * blob starts with its algorithm name (an SSH string: uint32 length, then the bytes).
 */
export function hostKeyOf(blob: Buffer): HostKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  return {
    type: blob.subarray(4, 4 + Math.min(length, 64)).toString('latin1'),
    fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
  };
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class SshConnection {
  private constructor(
    private readonly client: ssh2.Client,
    readonly hostKey: HostKey,
  ) {}

  /**
   * Connects and authenticates. Without `hostKeyFingerprint` it stops after the key exchange
   * (before any credential is sent) with `host-key-unconfirmed` carrying the fingerprint seen.
   */
  static open(input: SshAddInput, timeoutMs: number): Promise<SshConnection> {
    const client = new ssh2.Client();
    const pinned = input.hostKeyFingerprint;
    let seen: HostKey | undefined;
    return new Promise((resolve, reject) => {
      const fail = (error: SshAddError) => {
        client.end();
        reject(error);
      };
      client.once('ready', () => resolve(new SshConnection(client, seen as HostKey)));
      client.once('error', (err: Error & { level?: string }) => {
        if (seen && !pinned)
          return fail(
            new SshAddError('host-key-unconfirmed', `confirm the ${seen.type} host key ${seen.fingerprint}`, {
              hostKey: seen,
            }),
          );
        if (seen && seen.fingerprint !== pinned)
          return fail(
            new SshAddError(
              'host-key-mismatch',
              `the ${seen.type} host key is ${seen.fingerprint}, not the pinned ${pinned}: refusing to log in`,
              { hostKey: seen },
            ),
          );
        if (err.level === 'client-authentication')
          return fail(new SshAddError('auth-failed', `authentication as ${input.user} failed`));
        if (err.level === 'client-timeout')
          return fail(
            new SshAddError('unreachable', `no SSH handshake with ${input.address}:${input.port} in time`),
          );
        fail(new SshAddError('unreachable', `cannot reach ${input.address}:${input.port}: ${err.message}`));
      });
      try {
        client.connect({
          host: input.address,
          port: input.port,
          username: input.user,
          readyTimeout: timeoutMs,
          ...(input.auth.kind === 'password'
            ? { password: input.auth.password, tryKeyboard: false }
            : { privateKey: input.auth.privateKey, passphrase: input.auth.passphrase }),
          // Returning false ends the handshake before any credential is sent.
          hostVerifier: (key: Buffer) => {
            seen = hostKeyOf(key);
            return seen.fingerprint === pinned;
          },
        });
      } catch (err) {
        // ssh2 parses the key before dialling: a malformed key or a wrong passphrase lands here.
        fail(new SshAddError('auth-failed', `cannot use the private key: ${(err as Error).message}`));
      }
    });
  }

  /** Runs a command; each chunk of output goes to `onOutput` as it arrives. */
  exec(command: string, onOutput?: (text: string) => void): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        channel.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          onOutput?.(chunk.toString());
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          onOutput?.(chunk.toString());
        });
        channel.once('close', (code: number | null) => resolve({ code, stdout, stderr }));
      });
    });
  }

  /** Writes a stream to a remote file (mode 0600) over SFTP. */
  upload(source: Readable, remotePath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) => {
        if (err) return reject(err);
        pipeline(source, sftp.createWriteStream(remotePath, { mode: 0o600 })).then(
          () => {
            sftp.end();
            resolve();
          },
          (error: unknown) => {
            sftp.end();
            reject(error);
          },
        );
      });
    });
  }

  close(): void {
    this.client.end();
  }
}

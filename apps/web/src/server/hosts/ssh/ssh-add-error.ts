/** A host's SSH key as ssh-keygen -l shows it: the algorithm and `SHA256:` fingerprint. */
export interface HostKey {
  type: string;
  fingerprint: string;
}

/** Why adding a host over SSH stopped: a closed set of codes, each with a message a user can act on. */
export type SshAddErrorCode =
  | 'unreachable'
  | 'host-key-unconfirmed'
  | 'host-key-mismatch'
  | 'auth-failed'
  | 'check-failed'
  | 'not-linux'
  | 'arch-mismatch'
  | 'no-root'
  | 'no-node'
  | 'missing-kernel-feature'
  | 'already-installed'
  | 'upload-failed'
  | 'install-failed'
  | 'join-timeout';

export class SshAddError extends Error {
  constructor(
    readonly code: SshAddErrorCode,
    message: string,
    readonly details: { hostKey?: HostKey; outputTail?: string } = {},
  ) {
    super(message);
    this.name = 'SshAddError';
  }
}

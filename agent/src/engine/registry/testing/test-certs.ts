import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertFiles {
  keyFile: string;
  certFile: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });

/** A self-signed certificate valid for a day (a test CA, or a token signer), made with openssl. */
export function selfSignedCert(dir: string, name: string): CertFiles {
  const files = { keyFile: join(dir, `${name}-key.pem`), certFile: join(dir, `${name}-cert.pem`) };
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      files.keyFile,
      '-out',
      files.certFile,
    ].concat(['-days', '1', '-subj', `/CN=${name}`]),
  );
  return files;
}

/** A server certificate for an IP address, signed by `ca`. */
export function serverCertFor(dir: string, ca: CertFiles, ip: string): CertFiles {
  const files = { keyFile: join(dir, `server-${ip}-key.pem`), certFile: join(dir, `server-${ip}-cert.pem`) };
  const csr = join(dir, `server-${ip}.csr`);
  const ext = join(dir, `server-${ip}.ext`);
  writeFileSync(ext, `subjectAltName=IP:${ip}\n`);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.keyFile,
    '-out',
    csr,
    '-subj',
    '/CN=berthtest-registry',
  ]);
  openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial'].concat([
      '-out',
      files.certFile,
      '-days',
      '1',
      '-extfile',
      ext,
    ]),
  );
  return files;
}

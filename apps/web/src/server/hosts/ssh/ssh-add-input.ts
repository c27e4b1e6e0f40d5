/** What an admin gives to add a host over SSH: one schema for the tRPC edge, the service and the form. */
import { z } from 'zod';

export const SSH_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export const sshAddInput = z.object({
  address: z
    .string()
    .trim()
    .min(1, 'the host address is required')
    .max(253)
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address'),
  port: z.number().int().min(1).max(65_535).default(22),
  user: z
    .string()
    .trim()
    .min(1, 'the user is required')
    .max(32)
    .regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'a Unix user name'),
  /** Used for this attempt only: never stored, logged or audited. */
  auth: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('password'),
      password: z.string().min(1, 'the password is required').max(1024),
    }),
    z.object({
      kind: z.literal('key'),
      privateKey: z
        .string()
        .max(16_384)
        .regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key in PEM or OpenSSH form'),
      passphrase: z.string().max(1024).optional(),
    }),
  ]),
  /** The host key to trust, as `ssh-keygen -lf` prints it; without it the attempt stops to show the one seen. */
  hostKeyFingerprint: z
    .string()
    .trim()
    .regex(SSH_FINGERPRINT, 'SHA256: followed by 43 base64 characters')
    .optional(),
  /** The URL the new host's agent dials (the page's origin in the UI). */
  controlPlaneUrl: z.url({ protocol: /^https?$/ }),
});

export type SshAddInput = z.infer<typeof sshAddInput>;

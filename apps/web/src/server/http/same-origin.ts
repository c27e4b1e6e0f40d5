/**
 * CSRF protection for state-changing requests: the browser's Origin header must be this control
 * plane (its public URL, or the Host the request was sent to). SameSite=Lax cookies already stop
 * most cross-site POSTs; this closes the rest (same-site subdomains, old browsers).
 */
import type { IncomingMessage } from 'node:http';

export function isSameOrigin(req: IncomingMessage, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (!origin) return req.headers['sec-fetch-site'] === 'same-origin';
  const allowed = new Set<string>();
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  const host = req.headers.host;
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  return allowed.has(origin);
}

/** Whether cookies should be marked Secure: behind https (public URL) or when the proxy says so. */
export function isSecureRequest(req: IncomingMessage, publicUrl: string | undefined): boolean {
  if (publicUrl) return publicUrl.startsWith('https:');
  return 'encrypted' in req.socket && Boolean(req.socket.encrypted);
}

/** Reading the caller's credentials (session cookie, Bearer header) and writing the cookie. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SESSION_COOKIE } from '../auth/sessions.ts';

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function sessionTokenOf(req: IncomingMessage): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}

/** The token of `Authorization: Bearer <token>` (API tokens), or undefined without one. */
export function bearerTokenOf(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** httpOnly (no script reads it), SameSite=Lax (no cross-site POST carries it), Secure behind https. */
export function setSessionCookie(res: ServerResponse, token: string, expiresAt: Date, secure: boolean): void {
  res.appendHeader(
    'Set-Cookie',
    `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}${secure ? '; Secure' : ''}`,
  );
}

export function clearSessionCookie(res: ServerResponse, secure: boolean): void {
  res.appendHeader(
    'Set-Cookie',
    `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`,
  );
}

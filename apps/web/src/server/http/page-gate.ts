/**
 * Pages need a session: the server answers a page request without one with a redirect to /login
 * before Next renders anything, and /login with one back to the hosts page. Assets and APIs pass.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveSession } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { sessionTokenOf } from './cookies.ts';

function redirect(res: ServerResponse, location: string): true {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
  return true;
}

/** Returns true when it answered the request itself. */
export async function gatePage(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = new URL(req.url ?? '/', 'http://berth.invalid').pathname;
  if (path.startsWith('/_next/') || path.startsWith('/api/') || /\.[a-z0-9]+$/i.test(path)) return false;
  const user = await resolveSession(
    deps.db,
    sessionTokenOf(req),
    deps.config.BERTH_SESSION_HOURS * 3_600_000,
  );
  if (path === '/login') return user ? redirect(res, '/') : false;
  return user ? false : redirect(res, '/login');
}

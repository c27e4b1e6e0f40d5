/**
 * `POST /api/hosts/<hostId>/images/load`: a `docker save` archive as the request body, streamed
 * to the host's agent (tRPC carries JSON, not gigabytes). Same authentication as tRPC (login
 * cookie with the same-origin check, or a Bearer API token), the manage right on the host, an
 * audit entry (image.load); errors map through tRPC's table to HTTP statuses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireHostAccess } from '../access/host-access.ts';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';
import { loadImage } from '../images/image-volume-actions.ts';
import { createContext } from '../trpc/init.ts';
import { httpErrorOf } from './http-error.ts';
import { isSameOrigin } from './same-origin.ts';

const LOAD_PATH = /^\/api\/hosts\/([^/]{1,100})\/images\/load$/;

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Returns true when the request was this route's (answered or being answered). */
export function handleImageLoad(deps: Deps, req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://berth.invalid').pathname;
  const match = LOAD_PATH.exec(path);
  if (!match) return false;
  const hostId = decodeURIComponent(match[1] as string);
  void (async () => {
    try {
      if (req.method !== 'POST') throw new ServiceError('invalid', 'use POST with the archive as the body');
      const ctx = await createContext(deps, req, res);
      if (!ctx.user) throw ctx.authError ?? new ServiceError('unauthorized', 'log in first');
      if (!ctx.bearer && !isSameOrigin(req, deps.config.BERTH_PUBLIC_URL))
        throw new ServiceError('forbidden', 'cross-origin request refused');
      await requireHostAccess(ctx.user, hostId, 'manage');
      reply(res, 200, await loadImage(deps, ctx.user, { hostId, archive: req }));
    } catch (err) {
      const { status, message } = httpErrorOf(err, res, (stack) =>
        deps.log(`image load on ${hostId}: ${stack}`),
      );
      req.resume(); // drain what is left of the upload so the reply can be read
      reply(res, status, { error: message });
    }
  })();
  return true;
}

import type { ServerResponse } from 'node:http';
import type { Engine } from '../../engine/engine.ts';
import type { EngineEvent } from '../../engine/events/event-bus.ts';
import { familiarReference, parseReference } from '../../engine/images/reference.ts';
import { parseDockerTime } from '../docker-time.ts';
import { type Filters, matchLabels } from '../filters.ts';
import { queryFilters } from '../respond.ts';
import type { Router } from '../router.ts';

/** A client that stops reading while events pile up is dropped rather than buffered without end. */
const MAX_BACKLOG = 4 * 1024 * 1024;

let openStreams = 0;

/** `docker info`'s NEventsListener: the /events streams open now. */
export function eventListenerCount(): number {
  return openStreams;
}

/** `busybox:latest` → `busybox`, so `--filter image=busybox` matches every tag of it (Docker's stripTag). */
function stripTag(name: string): string {
  try {
    const ref = parseReference(name, { defaultTag: false });
    if (ref.tag === undefined || ref.digest !== undefined) return name;
    return familiarReference({ domain: ref.domain, path: ref.path });
  } catch {
    return name;
  }
}

/** Docker's FuzzyMatch on an object filter: the id or the name, exactly or by prefix, for events of that type. */
function byIdOrName(e: EngineEvent, values: string[]): boolean {
  const name = e.attributes.name ?? '';
  return values.some((v) => e.id.startsWith(v) || (name !== '' && name.startsWith(v)));
}

function matchesFilter(e: EngineEvent, key: string, values: string[]): boolean {
  switch (key) {
    case 'type':
      return values.includes(e.type);
    case 'event':
      // health_status and exec_* actions carry a suffix (`exec_start: sh -c …`): those match by prefix
      return values.some((v) => e.action === v || e.action.startsWith(`${v}:`));
    case 'container':
    case 'volume':
    case 'network':
      return e.type === key && byIdOrName(e, values);
    case 'image': {
      // container events name their image in `image`, image events in `name`
      const name = (e.type === 'image' ? e.attributes.name : e.attributes.image) ?? '';
      const candidates = [e.id, name, stripTag(e.id), stripTag(name)];
      return values.some((v) => candidates.includes(v));
    }
    case 'scope':
      return values.includes('local');
    case 'label':
    case 'label!':
      return true; // checked together below
    default:
      // daemon, plugin, node, service, secret, config: Berth emits no such events
      return false;
  }
}

function matches(e: EngineEvent, filters: Filters): boolean {
  for (const [key, values] of filters) if (!matchesFilter(e, key, values)) return false;
  return matchLabels(filters, e.attributes);
}

/**
 * One event as a line of Docker's stream, with the legacy status/id/from
 * fields the CLI's default format still reads. timeNano is written from the
 * bigint: a JSON number through a double would lose the last digits.
 */
export function eventLine(e: EngineEvent): string {
  const legacy =
    e.type === 'container' || e.type === 'image'
      ? {
          status: e.action,
          id: e.id,
          ...(e.type === 'container' && e.attributes.image ? { from: e.attributes.image } : {}),
        }
      : {};
  const head = JSON.stringify({
    ...legacy,
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes },
    scope: 'local',
    time: Number(e.timeNano / 1_000_000_000n),
  });
  return `${head.slice(0, -1)},"timeNano":${e.timeNano}}\n`;
}

function stream(res: ServerResponse, engine: Engine, filters: Filters, since?: bigint, until?: bigint) {
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    let unsubscribe: (() => void) | undefined;
    openStreams++;
    const finish = () => {
      if (done) return;
      done = true;
      openStreams--;
      unsubscribe?.();
      clearTimeout(timer);
      resolve();
    };
    const listener = (e: EngineEvent) => {
      if (done || (until !== undefined && e.timeNano > until) || !matches(e, filters)) return;
      res.write(eventLine(e));
      if (res.writableLength > MAX_BACKLOG) {
        res.destroy();
        finish();
      }
    };
    res.once('close', finish);
    unsubscribe = engine.events.subscribe(listener, since);
    // the replay of `since` runs inside subscribe: it may already have ended the stream
    if (done) unsubscribe();
    if (until !== undefined && !done) {
      // an until in the past ends the stream right after the replay, as Docker's does
      const waitMs = Number((until - BigInt(Date.now()) * 1_000_000n) / 1_000_000n);
      timer = setTimeout(finish, Math.max(0, waitMs) + 1);
    }
  });
}

export function eventRoutes(router: Router, engine: Engine): void {
  router.on('GET', '/events', async ({ res, query }) => {
    const filters = queryFilters(query);
    const sinceValue = query.get('since');
    const untilValue = query.get('until');
    const since = sinceValue ? parseDockerTime(sinceValue) : undefined;
    const until = untilValue ? parseDockerTime(untilValue) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    await stream(res, engine, filters, since, until);
    if (!res.destroyed) res.end();
  });
}

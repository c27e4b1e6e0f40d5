import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import type { EngineEvent } from '../../engine/events/event-bus.ts';
import { queryFilters } from '../respond.ts';
import type { Router } from '../router.ts';

/** Docker's since/until: unix seconds (with a fraction), as nanoseconds. */
function timeNano(value: string | null): bigint | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds)) throw new EngineError('invalid', `invalid time: ${value}`);
  return BigInt(Math.round(seconds * 1e9));
}

function matches(e: EngineEvent, filters: Map<string, string[]>): boolean {
  for (const [key, values] of filters) {
    const ok = (() => {
      switch (key) {
        case 'type':
          return values.includes(e.type);
        case 'event':
          return values.includes(e.action);
        case 'container':
          return e.type === 'container' && values.some((v) => e.id.startsWith(v) || e.attributes.name === v);
        case 'image':
          return values.some((v) => e.attributes.image === v || e.attributes.name === v || e.id.includes(v));
        case 'label':
          return values.some((v) => {
            const [k, val] = v.split('=', 2) as [string, string | undefined];
            return k in e.attributes && (val === undefined || e.attributes[k] === val);
          });
        default:
          return true;
      }
    })();
    if (!ok) return false;
  }
  return true;
}

/** Docker's event JSON, with the legacy status/id/from fields the CLI's default format still reads. */
function toDocker(e: EngineEvent) {
  return {
    ...(e.type === 'container' || e.type === 'image'
      ? { status: e.action, id: e.id, ...(e.attributes.image ? { from: e.attributes.image } : {}) }
      : {}),
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes },
    scope: 'local',
    time: Number(e.timeNano / 1_000_000_000n),
    timeNano: Number(e.timeNano),
  };
}

export function eventRoutes(router: Router, engine: Engine): void {
  router.on('GET', '/events', async ({ res, query }) => {
    const filters = queryFilters(query);
    const since = timeNano(query.get('since'));
    const until = timeNano(query.get('until'));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        unsubscribe();
        clearTimeout(timer);
        resolve();
      };
      const unsubscribe = engine.events.subscribe((e) => {
        if (until !== undefined && e.timeNano > until) return;
        if (matches(e, filters)) res.write(`${JSON.stringify(toDocker(e))}\n`);
      }, since);
      res.on('close', finish);
      if (until !== undefined) {
        const wait = Number((until - BigInt(Date.now()) * 1_000_000n) / 1_000_000n);
        timer = setTimeout(finish, Math.max(0, wait));
      }
    });
    res.end();
  });
}

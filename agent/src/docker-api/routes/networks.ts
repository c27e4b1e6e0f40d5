import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import type { NetworkRecord } from '../../engine/network/record.ts';
import { readJsonBody } from '../body.ts';
import { parseDockerTime } from '../docker-time.ts';
import { acceptFilters, type Filters, matchLabels } from '../filters.ts';
import { queryFilters, sendJson } from '../respond.ts';
import type { Router } from '../router.ts';
import {
  NetworkConnectBody,
  NetworkCreateBody,
  NetworkDisconnectBody,
  toNetworkCreate,
} from '../schemas/network.ts';
import { networkInspect } from '../views/network-json.ts';
import { findPredefined, PREDEFINED, predefinedId, predefinedInspect } from '../views/predefined-networks.ts';

interface Listed {
  name: string;
  id: string;
  driver: string;
  builtin: boolean;
  dangling: boolean;
  labels: Record<string, string>;
}

function matches(f: Filters, n: Listed): boolean {
  const any = (key: string, test: (v: string) => boolean) => !f.has(key) || (f.get(key) ?? []).some(test);
  return (
    any('name', (v) => n.name.includes(v)) &&
    any('id', (v) => n.id.startsWith(v)) &&
    any('driver', (v) => v === n.driver) &&
    any('type', (v) => (v === 'builtin') === n.builtin) &&
    any('dangling', (v) => (v === 'true' || v === '1') === n.dangling) &&
    any('scope', (v) => v === 'local') &&
    matchLabels(f, n.labels)
  );
}

const listed = (n: NetworkRecord): Listed => ({
  ...n,
  driver: 'bridge',
  builtin: n.isDefault,
  dangling: Object.keys(n.endpoints).length === 0 && !n.isDefault,
});

/** Docker's own words for what cannot be done to `host` and `none`. */
function refusePredefined(ref: string, what: string): void {
  const p = findPredefined(ref);
  if (p) throw new EngineError('forbidden', `${p.name} is a pre-defined network and cannot be ${what}`);
}

/** The Docker API's network endpoints over the engine's NetworkService. */
export function networkRoutes(router: Router, engine: Engine): void {
  const { networks, containers } = engine;

  router.on('GET', '/networks', ({ res, query }) => {
    const f = queryFilters(query);
    acceptFilters(f, ['name', 'id', 'driver', 'type', 'label', 'dangling', 'scope']);
    sendJson(res, 200, [
      ...networks
        .list()
        .filter((n) => matches(f, listed(n)))
        .map((n) => networkInspect(n, false)),
      ...PREDEFINED.filter((p) =>
        matches(f, { ...p, id: predefinedId(p.name), builtin: true, dangling: false, labels: {} }),
      ).map((p) => predefinedInspect(p, undefined)),
    ]);
  });

  router.on('GET', '/networks/:id', ({ res, params }) => {
    const p = findPredefined(params.id!);
    sendJson(
      res,
      200,
      p ? predefinedInspect(p, containers.list()) : networkInspect(networks.get(params.id!), true),
    );
  });

  router.on('POST', '/networks/create', async ({ req, res }) => {
    const body = await readJsonBody(req, NetworkCreateBody);
    const record = await networks.create(toNetworkCreate(body));
    sendJson(res, 201, { Id: record.id, Warning: '' });
  });

  router.on('DELETE', '/networks/:id', async ({ res, params }) => {
    refusePredefined(params.id!, 'removed');
    await networks.remove(params.id!);
    res.writeHead(204).end();
  });

  router.on('POST', '/networks/:id/connect', async ({ req, res, params }) => {
    const body = await readJsonBody(req, NetworkConnectBody);
    refusePredefined(params.id!, 'connected to a running container');
    await containers.connectNetwork(body.Container, params.id!, {
      aliases: body.EndpointConfig?.Aliases ?? [],
      ipv4Address: body.EndpointConfig?.IPAMConfig?.IPv4Address || undefined,
    });
    res.writeHead(200).end();
  });

  router.on('POST', '/networks/:id/disconnect', async ({ req, res, params }) => {
    const body = await readJsonBody(req, NetworkDisconnectBody);
    refusePredefined(params.id!, 'disconnected from a running container');
    await containers.disconnectNetwork(body.Container, params.id!);
    res.writeHead(200).end();
  });

  router.on('POST', '/networks/prune', async ({ res, query }) => {
    const f = queryFilters(query);
    acceptFilters(f, ['label', 'label!', 'until']);
    const until = f.get('until')?.[0];
    const cutoff = until === undefined ? undefined : parseDockerTime(until);
    const removed = await networks.prune(
      (n) =>
        matchLabels(f, n.labels) &&
        (cutoff === undefined || BigInt(Date.parse(n.created)) * 1_000_000n < cutoff),
    );
    sendJson(res, 200, { NetworksDeleted: removed.length > 0 ? removed : null });
  });
}

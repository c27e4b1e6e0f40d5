import type { Engine } from '../../engine/engine.ts';
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

function matches(f: Filters, n: NetworkRecord): boolean {
  const any = (key: string, test: (v: string) => boolean) => !f.has(key) || (f.get(key) ?? []).some(test);
  return (
    any('name', (v) => n.name.includes(v)) &&
    any('id', (v) => n.id.startsWith(v)) &&
    any('driver', (v) => v === 'bridge') &&
    any('type', (v) => (v === 'builtin') === n.isDefault) &&
    any(
      'dangling',
      (v) => (v === 'true' || v === '1') === (Object.keys(n.endpoints).length === 0 && !n.isDefault),
    ) &&
    matchLabels(f, n.labels)
  );
}

/** The Docker API's network endpoints over the engine's NetworkService. */
export function networkRoutes(router: Router, engine: Engine): void {
  const { networks, containers } = engine;

  router.on('GET', '/networks', ({ res, query }) => {
    const f = queryFilters(query);
    acceptFilters(f, ['name', 'id', 'driver', 'type', 'label', 'dangling', 'scope']);
    sendJson(
      res,
      200,
      networks
        .list()
        .filter((n) => matches(f, n))
        .map((n) => networkInspect(n, false)),
    );
  });

  router.on('GET', '/networks/:id', ({ res, params }) => {
    sendJson(res, 200, networkInspect(networks.get(params.id!), true));
  });

  router.on('POST', '/networks/create', async ({ req, res }) => {
    const body = await readJsonBody(req, NetworkCreateBody);
    const record = await networks.create(toNetworkCreate(body));
    sendJson(res, 201, { Id: record.id, Warning: '' });
  });

  router.on('DELETE', '/networks/:id', async ({ res, params }) => {
    await networks.remove(params.id!);
    res.writeHead(204).end();
  });

  router.on('POST', '/networks/:id/connect', async ({ req, res, params }) => {
    const body = await readJsonBody(req, NetworkConnectBody);
    await containers.connectNetwork(body.Container, params.id!, {
      aliases: body.EndpointConfig?.Aliases ?? [],
      ipv4Address: body.EndpointConfig?.IPAMConfig?.IPv4Address || undefined,
    });
    res.writeHead(200).end();
  });

  router.on('POST', '/networks/:id/disconnect', async ({ req, res, params }) => {
    const body = await readJsonBody(req, NetworkDisconnectBody);
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

import { z } from 'zod';
import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { readJsonBody } from '../body.ts';
import { queryFilters, queryFlag, sendJson, sendNoContent } from '../respond.ts';
import type { Router } from '../router.ts';
import { ContainerCreateBody, toContainerSpec } from '../schemas/container-create.ts';
import { ContainerUpdateBody, toResourceUpdate } from '../schemas/container-update.ts';
import { containerInspect, containerSummary } from '../views/container-json.ts';
import { matchesContainerFilters } from './container-filters.ts';

const WaitCondition = z.enum(['not-running', 'next-exit', 'removed']).default('not-running');

/** Query integers Docker sends as strings; absent or empty means undefined. */
function queryInt(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new EngineError('invalid', `invalid ${name}: ${v}`);
  return n;
}

export function containerRoutes(router: Router, engine: Engine): void {
  const { containers, volumes, snapshotter } = engine;
  const volumeDir = (name: string) => volumes.mountpoint(name);

  router.on('GET', '/containers/json', async ({ res, query }) => {
    const all = queryFlag(query, 'all');
    const withSize = queryFlag(query, 'size');
    const filters = queryFilters(query);
    let list = containers
      .list()
      .filter(
        (c) =>
          all ||
          filters.has('status') ||
          filters.has('exited') ||
          c.state.status === 'running' ||
          c.state.status === 'paused' ||
          c.state.status === 'restarting',
      )
      .filter((c) => matchesContainerFilters(c, filters, containers.list()))
      .sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    const limit = queryInt(query, 'limit');
    if (limit !== undefined && limit > 0) list = list.slice(0, limit);
    const out = [];
    for (const c of list)
      out.push(
        containerSummary(
          c,
          volumeDir,
          engine.networks.networksOf(c.id),
          withSize ? await snapshotter.usage(c.id) : undefined,
        ),
      );
    sendJson(res, 200, out);
  });

  router.on('POST', '/containers/create', async ({ req, res, query }) => {
    const body = await readJsonBody(req, ContainerCreateBody);
    const name = query.get('name') || undefined;
    const record = await containers.create(toContainerSpec(body, name?.replace(/^\//, '')));
    sendJson(res, 201, { Id: record.id, Warnings: [] });
  });

  router.on('GET', '/containers/:id/json', async ({ res, params, query }) => {
    const record = containers.get(params.id!);
    const size = queryFlag(query, 'size') ? await snapshotter.usage(record.id) : undefined;
    const execIds = engine.execs.forContainer(record.id).map((e) => e.id);
    sendJson(
      res,
      200,
      containerInspect(record, volumeDir, execIds, engine.networks.networksOf(record.id), size),
    );
  });

  router.on('POST', '/containers/:id/start', async ({ res, params }) => {
    await containers.start(params.id!);
    sendNoContent(res);
  });

  router.on('POST', '/containers/:id/stop', async ({ res, params, query }) => {
    await containers.stop(params.id!, queryInt(query, 't'), query.get('signal') || undefined);
    sendNoContent(res);
  });

  router.on('POST', '/containers/:id/restart', async ({ res, params, query }) => {
    await containers.restart(params.id!, queryInt(query, 't'));
    sendNoContent(res);
  });

  router.on('POST', '/containers/:id/kill', async ({ res, params, query }) => {
    await containers.kill(params.id!, query.get('signal') || 'SIGKILL');
    sendNoContent(res);
  });

  router.on('POST', '/containers/:id/pause', async ({ res, params }) => {
    await containers.pause(params.id!);
    sendNoContent(res);
  });

  router.on('POST', '/containers/:id/unpause', async ({ res, params }) => {
    await containers.unpause(params.id!);
    sendNoContent(res);
  });

  router.on('POST', '/containers/:id/rename', async ({ res, params, query }) => {
    const name = query.get('name');
    if (!name) throw new EngineError('invalid', 'a new name is required');
    await containers.rename(params.id!, name);
    sendNoContent(res);
  });

  router.on('POST', '/containers/:id/update', async ({ req, res, params }) => {
    const body = await readJsonBody(req, ContainerUpdateBody);
    await containers.update(params.id!, toResourceUpdate(body));
    sendJson(res, 200, { Warnings: [] });
  });

  router.on('POST', '/containers/:id/wait', async ({ res, params, query }) => {
    const condition = WaitCondition.parse(query.get('condition') || undefined);
    const exited = containers.waitForExit(params.id!, condition);
    // headers now, the body when the container is done: the CLI starts the container in between
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const exitCode = await exited;
    res.end(JSON.stringify({ StatusCode: exitCode, Error: null }));
  });

  router.on('DELETE', '/containers/:id', async ({ res, params, query }) => {
    await containers.remove(params.id!, { force: queryFlag(query, 'force'), volumes: queryFlag(query, 'v') });
    sendNoContent(res);
  });

  router.on('POST', '/containers/prune', async ({ res }) => {
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const c of containers.list()) {
      if (c.state.status !== 'exited' && c.state.status !== 'created' && c.state.status !== 'dead') continue;
      reclaimed += (await snapshotter.usage(c.id).catch(() => ({ sizeRw: 0 }))).sizeRw;
      await containers.remove(c.id);
      deleted.push(c.id);
    }
    sendJson(res, 200, { ContainersDeleted: deleted, SpaceReclaimed: reclaimed });
  });

  router.on('GET', '/containers/:id/changes', async ({ res, params }) => {
    const record = containers.get(params.id!);
    const changes = await snapshotter.changes(record.id);
    sendJson(res, 200, changes.length > 0 ? changes : null);
  });

  router.on('GET', '/containers/:id/export', async ({ res, params }) => {
    const record = containers.get(params.id!);
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    for await (const chunk of snapshotter.export(record.id)) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });

  router.on('POST', '/containers/:id/resize', async ({ res, params, query }) => {
    const record = containers.get(params.id!);
    const rows = queryInt(query, 'h') ?? 0;
    const cols = queryInt(query, 'w') ?? 0;
    if (record.state.status !== 'running')
      throw new EngineError('conflict', `container ${record.id} is not running`);
    await engine.runtime.resize(record.id, rows, cols);
    sendJson(res, 200, {});
  });
}

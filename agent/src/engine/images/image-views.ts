import type { Digest } from '../content/digest.ts';
import type { ImageRecord } from './image-records.ts';
import type { ImageHistoryItem, ImageInspect, ImageSummary } from './image-store.ts';
import type { ImageConfig } from './oci-schemas.ts';
import { familiarReference, parseReference } from './reference.ts';

/** Docker's shapes for list, inspect and history, built from a record and its config. */

export function familiarTags(tags: readonly string[]): string[] {
  return tags.map((t) => familiarReference(parseReference(t))).sort();
}

function createdMs(record: ImageRecord, config: ImageConfig): number {
  const t = Date.parse(config.created ?? record.created);
  return Number.isNaN(t) ? 0 : t;
}

export function toSummary(record: ImageRecord, config: ImageConfig, tags: readonly string[]): ImageSummary {
  return {
    Id: record.id,
    ParentId: record.parent ?? '',
    RepoTags: familiarTags(tags),
    RepoDigests: record.repoDigests.map((d) => familiarReference(parseReference(d, { defaultTag: false }))),
    Created: Math.floor(createdMs(record, config) / 1000),
    Size: record.size,
    SharedSize: -1,
    Labels: config.config?.Labels ?? {},
    Containers: -1,
  };
}

export function toInspect(
  record: ImageRecord,
  config: ImageConfig,
  tags: readonly string[],
  graphDriverData: Record<string, string> | null,
): ImageInspect {
  const c = config.config ?? {};
  const inspect: ImageInspect = {
    Id: record.id,
    RepoTags: familiarTags(tags),
    RepoDigests: record.repoDigests.map((d) => familiarReference(parseReference(d, { defaultTag: false }))),
    Parent: record.parent ?? '',
    Comment: config.comment ?? lastComment(config),
    Created: new Date(createdMs(record, config)).toISOString(),
    DockerVersion: config.docker_version ?? '',
    Author: config.author ?? '',
    Config: {
      Hostname: '',
      Domainname: '',
      User: c.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: c.Env ?? null,
      Cmd: c.Cmd ?? null,
      ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
      ...(c.ArgsEscaped !== undefined ? { ArgsEscaped: c.ArgsEscaped } : {}),
      Image: '',
      Volumes: c.Volumes ?? null,
      WorkingDir: c.WorkingDir ?? '',
      Entrypoint: c.Entrypoint ?? null,
      OnBuild: c.OnBuild ?? null,
      Labels: c.Labels ?? null,
      ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
      ...(c.Shell ? { Shell: c.Shell } : {}),
    },
    Architecture: config.architecture,
    Os: config.os,
    Size: record.size,
    GraphDriver: { Name: 'overlay2', Data: graphDriverData },
    RootFS: { Type: 'layers', Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: record.lastTagTime ?? '0001-01-01T00:00:00Z' },
  };
  if (config.variant) inspect.Variant = config.variant;
  return inspect;
}

function lastComment(config: ImageConfig): string {
  const h = config.history ?? [];
  return h[h.length - 1]?.comment ?? '';
}

/** Newest first, as `docker history`; layer-less steps show `<missing>` ids like Docker's for non-local parents. */
export function toHistory(
  record: ImageRecord,
  config: ImageConfig,
  tags: readonly string[],
  layerSizes: readonly number[],
): ImageHistoryItem[] {
  const history = config.history ?? [];
  const items: ImageHistoryItem[] = [];
  let layer = 0;
  for (const h of history) {
    const empty = h.empty_layer === true;
    const size = empty ? 0 : (layerSizes[layer] ?? 0);
    if (!empty) layer++;
    const t = Date.parse(h.created ?? '');
    items.push({
      Id: '<missing>',
      Created: Number.isNaN(t) ? 0 : Math.floor(t / 1000),
      CreatedBy: h.created_by ?? '',
      Tags: null,
      Size: size,
      Comment: h.comment ?? '',
    });
  }
  if (items.length === 0) {
    items.push({ Id: '<missing>', Created: 0, CreatedBy: '', Tags: null, Size: record.size, Comment: '' });
  }
  items.reverse();
  const top = items[0];
  if (top) {
    top.Id = record.id as Digest;
    top.Tags = tags.length > 0 ? familiarTags(tags) : null;
  }
  return items;
}

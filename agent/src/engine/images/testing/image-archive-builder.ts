import { createHash } from 'node:crypto';
import { encodeTarHeader, TAR_END, type TarHeader, tarPadding } from '../../archive/tar-writer.ts';
import { MediaType } from '../oci-schemas.ts';

/**
 * Builds layer tars and image archives in memory, byte for byte the way
 * `docker save` (both its layouts) and OCI tools write them. For tests and
 * benchmarks only: nothing here touches the engine's stores.
 */

export type LayerEntry =
  | { path: string; type?: 'file'; content?: string | Uint8Array; mode?: number; uid?: number; gid?: number }
  | { path: string; type: 'dir'; mode?: number; uid?: number; gid?: number }
  | { path: string; type: 'symlink' | 'link'; target: string }
  /** OCI whiteout: hides `path` of lower layers */
  | { path: string; type: 'whiteout' }
  /** OCI opaque marker: `path` (a directory) hides everything lower layers had in it */
  | { path: string; type: 'opaque' }
  | { path: string; type: 'char' | 'block'; major: number; minor: number; mode?: number }
  | { path: string; type: 'fifo'; mode?: number }
  /** a raw header, for malformed-input tests */
  | { path: string; type: 'raw'; header: TarHeader; content?: Uint8Array };

const MTIME = 1_700_000_000;

export function layerTar(entries: readonly LayerEntry[]): Buffer {
  const parts: Buffer[] = [];
  const add = (h: TarHeader, body?: Uint8Array) => {
    parts.push(encodeTarHeader(h));
    if (body && body.byteLength > 0) parts.push(Buffer.from(body), tarPadding(body.byteLength));
  };
  for (const e of entries) {
    const parent = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/') + 1) : '';
    const base = e.path.slice(parent.length);
    switch (e.type) {
      case undefined:
      case 'file': {
        const body = typeof e.content === 'string' ? Buffer.from(e.content) : Buffer.from(e.content ?? []);
        add(
          {
            name: e.path,
            type: 'file',
            size: body.byteLength,
            mode: e.mode ?? 0o644,
            uid: e.uid,
            gid: e.gid,
            mtime: MTIME,
          },
          body,
        );
        break;
      }
      case 'dir':
        add({
          name: `${e.path}/`,
          type: 'directory',
          mode: e.mode ?? 0o755,
          uid: e.uid,
          gid: e.gid,
          mtime: MTIME,
        });
        break;
      case 'symlink':
      case 'link':
        add({ name: e.path, type: e.type, linkname: e.target, mode: 0o777, mtime: MTIME });
        break;
      case 'whiteout':
        add({ name: `${parent}.wh.${base}`, type: 'file', size: 0, mtime: MTIME });
        break;
      case 'opaque':
        add({ name: `${e.path}/.wh..wh..opq`, type: 'file', size: 0, mtime: MTIME });
        break;
      case 'char':
      case 'block':
        add({
          name: e.path,
          type: e.type,
          devmajor: e.major,
          devminor: e.minor,
          mode: e.mode ?? 0o666,
          mtime: MTIME,
        });
        break;
      case 'fifo':
        add({ name: e.path, type: 'fifo', mode: e.mode ?? 0o644, mtime: MTIME });
        break;
      case 'raw':
        add(e.header, e.content);
        break;
    }
  }
  parts.push(TAR_END);
  return Buffer.concat(parts);
}

export interface ImageSpec {
  /** uncompressed (or gzip-compressed, for OCI layouts) layer tars, base first */
  layers: Buffer[];
  /** diff_ids when layers are compressed; computed from the layers otherwise */
  diffIds?: string[];
  tags?: string[];
  config?: Record<string, unknown>;
  created?: string;
}

export interface BuiltImage {
  configBytes: Buffer;
  /** the image id Docker shows: sha256 of the config */
  id: string;
  manifestBytes: Buffer;
  manifestDigest: string;
  layerDigests: string[];
  diffIds: string[];
}

export type ArchiveFormat = 'docker-legacy' | 'docker' | 'oci';

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function goArch(): string {
  return (
    (
      { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<
        string,
        string
      >
    )[process.arch] ?? process.arch
  );
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const layerDigests = spec.layers.map((l) => sha256(l));
  const diffIds = spec.diffIds ?? layerDigests;
  const created = spec.created ?? '2024-01-01T00:00:00Z';
  const config = {
    architecture: goArch(),
    os: 'linux',
    created,
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
      ...spec.config,
    },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: spec.layers.map((_, i) => ({ created, created_by: `berthtest layer ${i}` })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const gz = (l: Buffer) => l[0] === 0x1f && l[1] === 0x8b;
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: sha256(configBytes), size: configBytes.byteLength },
    layers: spec.layers.map((l, i) => ({
      mediaType: gz(l) ? MediaType.ociLayerGzip : MediaType.ociLayer,
      digest: layerDigests[i],
      size: l.byteLength,
    })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return {
    configBytes,
    id: sha256(configBytes),
    manifestBytes,
    manifestDigest: sha256(manifestBytes),
    layerDigests,
    diffIds,
  };
}

/** A `docker save`-style or OCI-layout tarball holding `images`. */
export function imageArchive(images: readonly ImageSpec[], format: ArchiveFormat = 'docker'): Buffer {
  const files = new Map<string, Buffer>();
  const docker: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const index: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[] =
    [];
  for (const spec of images) {
    const built = buildImage(spec);
    const hex = (d: string) => d.slice(7);
    let layerPaths: string[];
    let configPath: string;
    if (format === 'docker-legacy') {
      let parent = '';
      layerPaths = spec.layers.map((l, i) => {
        const id = createHash('sha256').update(`${parent}\n${built.diffIds[i]}`).digest('hex');
        files.set(`${id}/VERSION`, Buffer.from('1.0'));
        files.set(`${id}/json`, Buffer.from(JSON.stringify({ id, ...(parent ? { parent } : {}) })));
        files.set(`${id}/layer.tar`, l);
        parent = id;
        return `${id}/layer.tar`;
      });
      configPath = `${hex(built.id)}.json`;
      files.set(configPath, built.configBytes);
    } else {
      layerPaths = spec.layers.map((l, i) => {
        const p = `blobs/sha256/${hex(built.layerDigests[i] ?? '')}`;
        files.set(p, l);
        return p;
      });
      configPath = `blobs/sha256/${hex(built.id)}`;
      files.set(configPath, built.configBytes);
      files.set(`blobs/sha256/${hex(built.manifestDigest)}`, built.manifestBytes);
    }
    const tags = spec.tags ?? [];
    docker.push({ Config: configPath, RepoTags: tags.length ? tags : null, Layers: layerPaths });
    const descriptor = {
      mediaType: MediaType.ociManifest,
      digest: built.manifestDigest,
      size: built.manifestBytes.byteLength,
    };
    if (tags.length === 0) index.push(descriptor);
    for (const t of tags) {
      const colon = t.lastIndexOf(':');
      const name = t.slice(0, colon);
      const tag = t.slice(colon + 1);
      repositories[name] = { ...repositories[name], [tag]: hex(built.id) };
      const full = name.includes('/') ? `docker.io/${name}:${tag}` : `docker.io/library/${name}:${tag}`;
      index.push({
        ...descriptor,
        annotations: { 'io.containerd.image.name': full, 'org.opencontainers.image.ref.name': tag },
      });
    }
  }
  if (format !== 'oci') files.set('manifest.json', Buffer.from(JSON.stringify(docker)));
  if (format !== 'oci' && Object.keys(repositories).length > 0)
    files.set('repositories', Buffer.from(JSON.stringify(repositories)));
  if (format !== 'docker-legacy') {
    files.set('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    files.set(
      'index.json',
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index })),
    );
  }
  const entries: LayerEntry[] = [];
  const dirs = new Set<string>();
  for (const [path, content] of files) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        entries.push({ path: d, type: 'dir' });
      }
    }
    entries.push({ path, content });
  }
  return layerTar(entries);
}

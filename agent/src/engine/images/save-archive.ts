import { encodeTarHeader, TAR_END, tarPadding } from '../archive/tar-writer.ts';
import type { ContentStore } from '../content/content-store.ts';
import { type Digest, digestHex } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import type { ImageRecord } from './image-records.ts';
import { Annotation, MediaType } from './oci-schemas.ts';
import { familiarReference, parseReference } from './reference.ts';

export interface SaveItem {
  record: ImageRecord;
  /** normalised `domain/path:tag` references to name in the archive (none: saved by id) */
  tags: string[];
}

const MTIME = 0; // fixed, so saving the same images twice gives the same bytes

/**
 * Docker 25+'s `docker save` layout: an OCI image layout (oci-layout,
 * index.json, blobs/sha256/…) plus manifest.json and repositories for older
 * loaders. Blobs are written as stored, so manifest and config digests (and
 * the image id) survive a round trip. format 'oci' leaves out the Docker files.
 */
export async function* saveArchive(
  content: ContentStore,
  items: SaveItem[],
  format: 'docker' | 'oci',
): AsyncGenerator<Buffer> {
  const written = new Set<Digest>();
  yield dir('blobs/');
  yield dir('blobs/sha256/');
  async function* blob(digest: Digest): AsyncGenerator<Buffer> {
    if (written.has(digest)) return;
    written.add(digest);
    const info = await content.info(digest).catch((err) => {
      throw new EngineError('not_found', `blob ${digest} is missing from the content store`, { cause: err });
    });
    yield encodeTarHeader({
      name: `blobs/sha256/${digestHex(digest)}`,
      type: 'file',
      size: info.size,
      mode: 0o444,
      mtime: MTIME,
    });
    let sent = 0;
    for await (const chunk of content.read(digest) as AsyncIterable<Buffer>) {
      sent += chunk.byteLength;
      if (sent > info.size) throw new EngineError('internal', `blob ${digest} changed while saving`);
      yield chunk;
    }
    if (sent !== info.size) throw new EngineError('internal', `blob ${digest} changed while saving`);
    yield tarPadding(info.size);
  }

  const index: Record<string, unknown>[] = [];
  const dockerManifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { record, tags } of items) {
    for (const l of record.layers) yield* blob(l.digest);
    yield* blob(record.id);
    yield* blob(record.manifestDigest);
    const manifestSize = (await content.info(record.manifestDigest)).size;
    const descriptor = {
      mediaType: MediaType.ociManifest,
      digest: record.manifestDigest,
      size: manifestSize,
    };
    if (tags.length === 0) index.push(descriptor);
    const familiar: string[] = [];
    for (const t of tags) {
      const ref = parseReference(t);
      familiar.push(familiarReference(ref));
      index.push({
        ...descriptor,
        annotations: { [Annotation.containerdName]: t, [Annotation.refName]: ref.tag ?? 'latest' },
      });
      const name = familiarReference({ domain: ref.domain, path: ref.path });
      repositories[name] = { ...repositories[name], [ref.tag ?? 'latest']: digestHex(record.id) };
    }
    dockerManifest.push({
      Config: `blobs/sha256/${digestHex(record.id)}`,
      RepoTags: familiar.length > 0 ? familiar : null,
      Layers: record.layers.map((l) => `blobs/sha256/${digestHex(l.digest)}`),
    });
  }
  yield file(
    'index.json',
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index }),
  );
  if (format === 'docker') {
    yield file('manifest.json', JSON.stringify(dockerManifest));
    if (Object.keys(repositories).length > 0) yield file('repositories', JSON.stringify(repositories));
  }
  yield file('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  yield TAR_END;
}

function dir(name: string): Buffer {
  return encodeTarHeader({ name, type: 'directory', mode: 0o755, mtime: MTIME });
}

function file(name: string, text: string): Buffer {
  const body = Buffer.from(text);
  return Buffer.concat([
    encodeTarHeader({ name, type: 'file', size: body.byteLength, mode: 0o644, mtime: MTIME }),
    body,
    tarPadding(body.byteLength),
  ]);
}

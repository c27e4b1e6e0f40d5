import { decompressed } from '../archive/decompress.ts';
import type { ContentStore } from '../content/content-store.ts';
import type { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import type { ContainerSnapshot, LayerInfo, Snapshotter } from '../snapshots/snapshotter.ts';
import { readImageArchive } from './archive-reader.ts';
import { applyDockerfileChanges } from './dockerfile-changes.ts';
import { type Found, findImage, liveBlobs, matchesReference, setTag, short, tagsOf } from './find-image.ts';
import { GcLock } from './gc-lock.ts';
import { type ImageAction, type ImageEvent, TypedEmitter } from './image-events.ts';
import { type ImageRecord, ImageRecords } from './image-records.ts';
import type {
  CommitOptions,
  DeleteItem,
  DiskUsage,
  DistributableImage,
  ImageHistoryItem,
  ImageInspect,
  ImageStore,
  ImageSummary,
  ImageUsage,
  ImportOptions,
  LoadResult,
  ResolvedImage,
  SaveFormat,
} from './image-store.ts';
import { toHistory, toInspect, toSummary } from './image-views.ts';
import { imagesInArchive, MAX_JSON_BLOB, readConfig } from './load-archive.ts';
import { materialiseImage, type StreamedLayer, storeImageObjects } from './materialise-image.ts';
import { type Descriptor, type ImageConfig, ImageManifest, MediaType, parseJson } from './oci-schemas.ts';
import { hostPlatform } from './platform.ts';
import { familiarReference, formatReference, normalizeTagged, parseReference } from './reference.ts';
import { saveArchive } from './save-archive.ts';

export interface LocalImageStoreOptions {
  /** the `images/` data dir */
  dir: string;
  content: ContentStore;
  snapshotter: Snapshotter;
  /** the containers layer plugs in here so images in use are not removed */
  isInUse?: ImageUsage;
  /** fsync records.json before replacing it (default true) */
  sync?: boolean;
}

/**
 * The image store over a content store and a snapshotter. Records live in
 * images/records.json; blobs and layers are shared and garbage-collected by
 * mark and sweep from the records and container snapshots.
 */
export class LocalImageStore implements ImageStore {
  readonly events = new TypedEmitter<ImageEvent>();
  private readonly records: ImageRecords;
  private readonly content: ContentStore;
  private readonly snapshotter: Snapshotter;
  private readonly isInUse: ImageUsage;
  private readonly configs = new Map<Digest, ImageConfig>();
  private readonly lock = new GcLock();

  constructor(options: LocalImageStoreOptions) {
    this.records = new ImageRecords(options.dir, options.sync ?? true);
    this.content = options.content;
    this.snapshotter = options.snapshotter;
    this.isInUse = options.isInUse ?? (() => null);
  }

  async resolve(ref: string): Promise<ResolvedImage> {
    const { record, records } = await this.find(ref);
    return {
      id: record.id,
      config: await this.config(record.id),
      chainId: record.chainId,
      repoTags: tagsOf(records, record.id),
    };
  }

  async list(
    options: { all?: boolean; dangling?: boolean; reference?: string } = {},
  ): Promise<ImageSummary[]> {
    const r = await this.records.read();
    const out: ImageSummary[] = [];
    for (const record of Object.values(r.images)) {
      const tags = tagsOf(r, record.id);
      if (options.dangling === true && tags.length > 0) continue;
      if (options.dangling === false && tags.length === 0) continue;
      if (options.reference !== undefined && !tags.some((t) => matchesReference(t, options.reference ?? '')))
        continue;
      out.push(toSummary(record, await this.config(record.id), tags));
    }
    return out.sort((a, b) => b.Created - a.Created);
  }

  async inspect(ref: string): Promise<ImageInspect> {
    const { record, records } = await this.find(ref);
    const chain = await this.chainOf(record);
    const data =
      chain.length === 0
        ? null
        : {
            ...(chain.length > 1
              ? {
                  LowerDir: chain
                    .slice(1)
                    .map((l) => l.diffDir)
                    .join(':'),
                }
              : {}),
            MergedDir: `${chain[0]?.diffDir.replace(/diff$/, 'merged')}`,
            UpperDir: chain[0]?.diffDir ?? '',
            WorkDir: `${chain[0]?.diffDir.replace(/diff$/, 'work')}`,
          };
    return toInspect(record, await this.config(record.id), tagsOf(records, record.id), data);
  }

  async history(ref: string): Promise<ImageHistoryItem[]> {
    const { record, records } = await this.find(ref);
    const sizes = (await this.chainOf(record)).reverse().map((l) => l.size);
    return toHistory(record, await this.config(record.id), tagsOf(records, record.id), sizes);
  }

  load(input: AsyncIterable<Uint8Array>): Promise<LoadResult> {
    return this.lock.shared(async () => {
      const archive = await readImageArchive(this.content, input, {
        beginLayer: () => this.snapshotter.beginLayer(),
      });
      try {
        const candidates = await imagesInArchive(this.content, archive);
        const loaded: { record: ImageRecord; tags: string[] }[] = [];
        for (const c of candidates) {
          if (c.manifest.config.digest !== c.configDigest)
            throw new EngineError('invalid', 'manifest names another config');
          loaded.push({
            record: await this.materialise(c.manifest, c.manifestDigest, c.config, null, archive.unpacked),
            tags: c.tags,
          });
        }
        const untagged = await this.records.update((r) => {
          const displaced: { id: Digest; tag: string }[] = [];
          for (const { record, tags } of loaded) {
            r.images[record.id] ??= record;
            for (const t of tags) displaced.push(...setTag(r, t, record.id));
          }
          return displaced;
        });
        for (const u of untagged) this.emit('untag', u.id, u.tag);
        for (const { record, tags } of loaded) {
          for (const t of tags) this.emit('tag', record.id, t);
          this.emit('load', record.id);
        }
        return {
          images: loaded.map((l) => ({
            id: l.record.id,
            tags: l.tags.map((t) => familiarReference(parseReference(t))),
          })),
        };
      } catch (err) {
        const live = liveBlobs(await this.records.read());
        for (const d of archive.added) if (!live.has(d)) await this.content.delete(d).catch(() => {});
        throw err;
      } finally {
        for (const u of archive.unpacked.values()) await u.ingest.abort();
      }
    });
  }

  importRootfs(input: AsyncIterable<Uint8Array>, options: ImportOptions = {}): Promise<Digest> {
    const tag = options.ref === undefined ? undefined : normalizeTagged(options.ref);
    return this.lock.shared(async () => {
      const writer = await this.content.writer();
      let layer: LayerInfo;
      let blobSize: number;
      try {
        const source = await decompressed(input);
        // the blob is stored uncompressed, so its digest is the diff_id
        const tee = async function* () {
          for await (const chunk of source) {
            await writer.write(chunk);
            yield chunk;
          }
        };
        layer = await this.snapshotter.applyLayer(null, tee());
        blobSize = writer.offset;
        await writer.commit({ expected: layer.diffId });
      } catch (err) {
        await writer.abort();
        throw err;
      }
      const now = new Date().toISOString();
      const platform = hostPlatform();
      const config: ImageConfig = {
        architecture: options.architecture ?? platform.architecture,
        os: options.os ?? platform.os,
        created: now,
        config: applyDockerfileChanges({}, options.changes ?? []),
        rootfs: { type: 'layers', diff_ids: [layer.diffId] },
        history: [{ created: now, comment: options.message ?? 'Imported from -' }],
      };
      const layerDescriptor = { mediaType: MediaType.ociLayer, digest: layer.diffId, size: blobSize };
      const record = await this.storeImage(config, [layerDescriptor], null);
      await this.finishNewImage(record, tag, 'import');
      return record.id;
    });
  }

  async *save(refs: string[], format: SaveFormat = 'docker'): AsyncGenerator<Buffer> {
    if (refs.length === 0) throw new EngineError('invalid', 'no images to save');
    const items = new Map<Digest, { record: ImageRecord; tags: string[] }>();
    for (const ref of refs) {
      const { record, viaTag } = await this.find(ref);
      const item = items.get(record.id) ?? { record, tags: [] };
      if (viaTag && !item.tags.includes(viaTag)) item.tags.push(viaTag);
      items.set(record.id, item);
    }
    yield* saveArchive(this.content, [...items.values()], format);
    for (const { record, tags } of items.values()) this.emit('save', record.id, tags[0]);
  }

  async tag(source: string, target: string): Promise<void> {
    const tag = normalizeTagged(target);
    const { record } = await this.find(source);
    const displaced = await this.records.update((r) => {
      if (!r.images[record.id]) throw new EngineError('not_found', `No such image: ${source}`);
      return setTag(r, tag, record.id);
    });
    for (const u of displaced) this.emit('untag', u.id, u.tag);
    this.emit('tag', record.id, tag);
  }

  async remove(ref: string, options: { force?: boolean } = {}): Promise<DeleteItem[]> {
    const force = options.force === true;
    const { record, viaTag, records } = await this.find(ref);
    const tags = tagsOf(records, record.id);
    if (viaTag !== undefined && tags.length > 1) {
      await this.untag(viaTag, record.id);
      return [{ Untagged: familiarReference(parseReference(viaTag)) }];
    }
    if (viaTag === undefined && tags.length > 1 && !force) {
      throw new EngineError(
        'conflict',
        `unable to delete ${short(record.id)} (must be forced) - image is referenced in multiple repositories`,
      );
    }
    const usage = await this.isInUse(record.id);
    if (usage === 'running' || (usage === 'stopped' && !force)) {
      throw new EngineError(
        'conflict',
        `unable to delete ${short(record.id)} - image is being used by ${usage} container`,
      );
    }
    if (!force && Object.values(records.images).some((i) => i.parent === record.id)) {
      throw new EngineError(
        'conflict',
        `unable to delete ${short(record.id)} - image has dependent child images`,
      );
    }
    const items = await this.deleteRecord(record.id);
    await this.garbageCollect();
    return items;
  }

  async prune(
    options: { all?: boolean } = {},
  ): Promise<{ ImagesDeleted: DeleteItem[]; SpaceReclaimed: number }> {
    const r = await this.records.read();
    const deleted: DeleteItem[] = [];
    const parents = new Set(Object.values(r.images).map((i) => i.parent));
    for (const record of Object.values(r.images)) {
      const tags = tagsOf(r, record.id);
      if (tags.length > 0 && !options.all) continue;
      if (parents.has(record.id) || (await this.isInUse(record.id)) !== null) continue;
      deleted.push(...(await this.deleteRecord(record.id)));
    }
    const { reclaimedBytes } = await this.garbageCollect();
    return { ImagesDeleted: deleted, SpaceReclaimed: reclaimedBytes };
  }

  async prepareRootfs(containerId: string, ref: string): Promise<ContainerSnapshot> {
    const { record } = await this.find(ref);
    return this.lock.shared(() => this.snapshotter.prepare(containerId, record.chainId));
  }

  commit(containerId: string, options: CommitOptions): Promise<Digest> {
    const tag = options.ref === undefined ? undefined : normalizeTagged(options.ref);
    return this.lock.shared(async () => {
      const base = options.imageId === null ? undefined : (await this.find(options.imageId)).record;
      const baseConfig = base ? await this.config(base.id) : undefined;
      const snap = await this.snapshotter.get(containerId);
      if ((base?.chainId ?? null) !== snap.parent) {
        throw new EngineError(
          'invalid',
          `container ${containerId} was not created from image ${options.imageId}`,
        );
      }
      const committed = await this.snapshotter.commit(containerId, await this.content.writer());
      const now = new Date().toISOString();
      const platform = hostPlatform();
      const config: ImageConfig = {
        architecture: baseConfig?.architecture ?? platform.architecture,
        os: baseConfig?.os ?? platform.os,
        ...(baseConfig?.variant ? { variant: baseConfig.variant } : {}),
        created: now,
        ...(options.author ? { author: options.author } : {}),
        ...(options.comment ? { comment: options.comment } : {}),
        config: applyDockerfileChanges(options.config ?? baseConfig?.config ?? {}, options.changes ?? []),
        rootfs: {
          type: 'layers',
          diff_ids: [...(baseConfig?.rootfs.diff_ids ?? []), committed.layer.diffId],
        },
        history: [
          ...(baseConfig?.history ?? []),
          {
            created: now,
            ...(options.author ? { author: options.author } : {}),
            ...(options.comment ? { comment: options.comment } : {}),
          },
        ],
      };
      const layers: Descriptor[] = [
        ...(base?.layers ?? []).map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
        { mediaType: MediaType.ociLayer, digest: committed.blob.digest, size: committed.blob.size },
      ];
      const record = await this.storeImage(config, layers, base?.id ?? null);
      await this.finishNewImage(record, tag, 'commit');
      return record.id;
    });
  }

  async diskUsage(): Promise<DiskUsage> {
    const r = await this.records.read();
    const layers = await this.snapshotter.listLayers();
    const users = new Map<Digest, number>();
    const stacks = new Map<Digest, Digest[]>();
    const byChain = new Map(layers.map((l) => [l.chainId, l]));
    for (const record of Object.values(r.images)) {
      const stack: Digest[] = [];
      for (let c = record.chainId; c !== null; c = byChain.get(c)?.parent ?? null) stack.push(c);
      stacks.set(record.id, stack);
      for (const c of stack) users.set(c, (users.get(c) ?? 0) + 1);
    }
    return {
      layersSize: layers.reduce((n, l) => n + l.size, 0),
      images: Object.values(r.images).map((record) => {
        const shared = (stacks.get(record.id) ?? [])
          .filter((c) => (users.get(c) ?? 0) > 1)
          .reduce((n, c) => n + (byChain.get(c)?.size ?? 0), 0);
        return { id: record.id, size: record.size, sharedSize: shared, uniqueSize: record.size - shared };
      }),
    };
  }

  lease<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.shared(fn);
  }

  registerImage(
    manifestDigest: Digest,
    options: { tags?: string[]; repoDigests?: string[]; action?: 'pull' | 'load' } = {},
  ): Promise<Digest> {
    const tags = (options.tags ?? []).map(normalizeTagged);
    const repoDigests = (options.repoDigests ?? []).map((d) =>
      formatReference(parseReference(d, { defaultTag: false })),
    );
    return this.lock.shared(async () => {
      const manifest = parseJson(
        ImageManifest,
        await this.content.readBytes(manifestDigest, MAX_JSON_BLOB),
        `manifest ${manifestDigest}`,
      );
      const config = await readConfig(this.content, manifest.config.digest);
      const record = await this.materialise(manifest, manifestDigest, config, null);
      const displaced = await this.records.update((r) => {
        const existing = r.images[record.id];
        const target = existing ?? record;
        target.repoDigests = [...new Set([...target.repoDigests, ...repoDigests])];
        r.images[record.id] = target;
        return tags.flatMap((t) => setTag(r, t, record.id));
      });
      for (const u of displaced) this.emit('untag', u.id, u.tag);
      for (const t of tags) this.emit('tag', record.id, t);
      this.emit(options.action ?? 'pull', record.id, tags[0]);
      return record.id;
    });
  }

  async distributable(ref: string): Promise<DistributableImage> {
    const { record } = await this.find(ref);
    const manifestBytes = await this.content.readBytes(record.manifestDigest, MAX_JSON_BLOB);
    return {
      id: record.id,
      manifestDigest: record.manifestDigest,
      manifestBytes,
      manifest: parseJson(ImageManifest, manifestBytes, `manifest ${record.manifestDigest}`),
      repoDigests: [...record.repoDigests],
    };
  }

  async recordPush(id: Digest, repoDigest: string, tag: string): Promise<void> {
    const normalised = formatReference(parseReference(repoDigest, { defaultTag: false }));
    await this.records.update((r) => {
      const record = r.images[id];
      if (!record) throw new EngineError('not_found', `No such image: ${id}`);
      if (!record.repoDigests.includes(normalised)) record.repoDigests.push(normalised);
    });
    this.emit('push', id, normalizeTagged(tag));
  }

  garbageCollect(): Promise<{ blobs: number; layers: number; reclaimedBytes: number }> {
    return this.lock.exclusive(async () => {
      const r = await this.records.read();
      const live = liveBlobs(r);
      let blobs = 0;
      let reclaimedBytes = 0;
      await this.content.walk(async (info) => {
        if (live.has(info.digest)) return;
        await this.content.delete(info.digest).catch(() => {});
        blobs++;
        reclaimedBytes += info.size;
      });
      const keep = new Set(Object.values(r.images).flatMap((i) => (i.chainId ? [i.chainId] : [])));
      const gc = await this.snapshotter.gcLayers(keep);
      return { blobs, layers: gc.removed.length, reclaimedBytes: reclaimedBytes + gc.reclaimedBytes };
    });
  }

  // --- internals ---

  private async find(ref: string): Promise<Found> {
    return findImage(await this.records.read(), ref);
  }

  private async config(id: Digest): Promise<ImageConfig> {
    let c = this.configs.get(id);
    if (!c) {
      c = await readConfig(this.content, id);
      this.configs.set(id, c);
    }
    return c;
  }

  private async chainOf(record: ImageRecord): Promise<LayerInfo[]> {
    const out: LayerInfo[] = [];
    for (let c = record.chainId; c !== null; ) {
      const l = await this.snapshotter.layer(c);
      if (!l) break;
      out.push(l);
      c = l.parent;
    }
    return out;
  }

  private materialise(
    manifest: ImageManifest,
    manifestDigest: Digest,
    config: ImageConfig,
    parentImage: Digest | null,
    unpacked?: ReadonlyMap<Digest, StreamedLayer>,
  ): Promise<ImageRecord> {
    return materialiseImage(this.content, this.snapshotter, {
      manifest,
      manifestDigest,
      config,
      parentImage,
      unpacked,
    });
  }

  /** Stores a new config and manifest whose layers are already in the store and unpacked. */
  private async storeImage(
    config: ImageConfig,
    layers: Descriptor[],
    parent: Digest | null,
  ): Promise<ImageRecord> {
    const { manifest, manifestDigest, configDigest } = await storeImageObjects(this.content, config, layers);
    this.configs.set(configDigest, config);
    return this.materialise(manifest, manifestDigest, config, parent);
  }

  private async finishNewImage(
    record: ImageRecord,
    tag: string | undefined,
    action: ImageAction,
  ): Promise<void> {
    const displaced = await this.records.update((r) => {
      r.images[record.id] ??= record;
      return tag === undefined ? [] : setTag(r, tag, record.id);
    });
    for (const u of displaced) this.emit('untag', u.id, u.tag);
    if (tag !== undefined) this.emit('tag', record.id, tag);
    this.emit(action, record.id, tag);
  }

  private async untag(tag: string, id: Digest): Promise<void> {
    await this.records.update((r) => {
      if (r.tags[tag] === id) delete r.tags[tag];
    });
    this.emit('untag', id, tag);
  }

  private async deleteRecord(id: Digest): Promise<DeleteItem[]> {
    const removedTags = await this.records.update((r) => {
      const tags = tagsOf(r, id);
      for (const t of tags) delete r.tags[t];
      delete r.images[id];
      return tags;
    });
    this.configs.delete(id);
    const items: DeleteItem[] = removedTags.map((t) => ({ Untagged: familiarReference(parseReference(t)) }));
    for (const t of removedTags) this.emit('untag', id, t);
    items.push({ Deleted: id });
    this.emit('delete', id);
    return items;
  }

  private emit(action: ImageAction, id: Digest, tag?: string): void {
    const event: ImageEvent = { type: 'image', action, id, time: Date.now() };
    if (tag !== undefined) event.ref = familiarReference(parseReference(tag));
    // Docker names a loaded image by its id, having named it by each tag in the tag events before
    else if (action === 'load') event.ref = id;
    this.events.emit(event);
  }
}

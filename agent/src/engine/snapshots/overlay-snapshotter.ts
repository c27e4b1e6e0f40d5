import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { applyLayer } from '../archive/apply-layer.ts';
import { scanOpaqueDirs } from '../archive/fsops-batch.ts';
import { packTree, walkDir } from '../archive/pack-tree.ts';
import type { ContentWriter } from '../content/content-store.ts';
import { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { chainIdOf } from './chain-id.ts';
import { type LayerApplyOptions, LayerStore } from './layer-store.ts';
import { type OverlaySource, walkMerged } from './merged-walk.ts';
import { overlayChanges } from './overlay-changes.ts';
import { overlayMountSpec } from './overlay-mount-spec.ts';
import type {
  ApplyLayerOptions,
  Change,
  CommittedLayer,
  ContainerSnapshot,
  LayerInfo,
  LayerIngest,
  Snapshotter,
} from './snapshotter.ts';
import { treeSize } from './tree-size.ts';

const SnapshotMeta = z.object({ containerId: z.string(), parent: Digest.nullable(), createdAt: z.string() });
const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

export interface OverlaySnapshotterOptions extends LayerApplyOptions {
  /** mount data limit; tests lower it to exercise the relative (cwd) form */
  mountDataLimit?: number;
}

/**
 * Overlay snapshots under the `snapshots/` data dir:
 *   layers/<chain hex>/diff     one unpacked layer, shared by all
 *   l/<16 hex>                  short links used in lowerdir=
 *   containers/<id>/{init,upper,work,merged}, snapshot.json
 */
export class OverlaySnapshotter implements Snapshotter {
  readonly layers: LayerStore;
  private readonly containersDir: string;

  constructor(
    readonly root: string,
    private readonly options: OverlaySnapshotterOptions,
  ) {
    this.layers = new LayerStore(root, options);
    this.containersDir = join(root, 'containers');
    mkdirSync(this.containersDir, { recursive: true, mode: 0o700 });
  }

  layer(chainId: Digest): Promise<LayerInfo | undefined> {
    return this.layers.get(chainId);
  }

  listLayers(): Promise<LayerInfo[]> {
    return this.layers.list();
  }

  applyLayer(
    parent: Digest | null,
    input: AsyncIterable<Uint8Array>,
    options: ApplyLayerOptions = {},
  ): Promise<LayerInfo> {
    return this.layers.apply(parent, input, options.expectedDiffId);
  }

  beginLayer(): LayerIngest {
    return this.layers.begin();
  }

  async gcLayers(keep: ReadonlySet<Digest>): Promise<{ removed: Digest[]; reclaimedBytes: number }> {
    const all = await this.layers.list();
    const byChain = new Map(all.map((l) => [l.chainId, l]));
    const live = new Set<Digest>();
    const mark = (chainId: Digest | null) => {
      // a kept layer keeps every layer below it
      while (chainId !== null && !live.has(chainId)) {
        live.add(chainId);
        chainId = byChain.get(chainId)?.parent ?? null;
      }
    };
    for (const k of keep) mark(k);
    for (const id of await this.list()) mark((await this.meta(id)).parent);
    const removed: Digest[] = [];
    let reclaimedBytes = 0;
    for (const l of all) {
      if (live.has(l.chainId)) continue;
      await this.layers.remove(l.chainId);
      removed.push(l.chainId);
      reclaimedBytes += l.size;
    }
    return { removed, reclaimedBytes };
  }

  async prepare(containerId: string, parent: Digest | null): Promise<ContainerSnapshot> {
    const dir = this.containerDir(containerId);
    if (parent !== null) await this.chain(parent); // every layer below must be present
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new EngineError('conflict', `snapshot for container ${containerId} already exists`);
      }
      throw err;
    }
    try {
      for (const sub of ['init', 'upper', 'work', 'merged']) mkdirSync(join(dir, sub), { mode: 0o755 });
      this.ensureInitLink(containerId);
      const meta = { containerId, parent, createdAt: new Date().toISOString() };
      writeFileSync(join(dir, 'snapshot.json.tmp'), JSON.stringify(meta));
      renameSync(join(dir, 'snapshot.json.tmp'), join(dir, 'snapshot.json'));
      return await this.get(containerId);
    } catch (err) {
      await this.remove(containerId).catch(() => {});
      throw err;
    }
  }

  async get(containerId: string): Promise<ContainerSnapshot> {
    const meta = await this.meta(containerId);
    const dir = this.containerDir(containerId);
    const chain = meta.parent === null ? [] : await this.chain(meta.parent);
    for (const l of chain) this.layers.ensureLink(l.chainId); // links are caches: recreate after a crash
    this.ensureInitLink(containerId);
    const rel = `containers/${containerId}`;
    const mount = overlayMountSpec(
      {
        root: this.root,
        lowers: [
          { abs: join(dir, 'init'), link: this.initLink(containerId) },
          ...chain.map((l) => ({ abs: l.diffDir, link: this.layers.shortLink(l.chainId) })),
        ],
        upper: { abs: join(dir, 'upper'), rel: `${rel}/upper` },
        work: { abs: join(dir, 'work'), rel: `${rel}/work` },
        merged: join(dir, 'merged'),
      },
      this.options.mountDataLimit,
    );
    const lowerDir = [join(dir, 'init'), ...chain.map((l) => l.diffDir)].join(':');
    return {
      containerId,
      parent: meta.parent,
      mount,
      initDir: join(dir, 'init'),
      upperDir: join(dir, 'upper'),
      workDir: join(dir, 'work'),
      mergedDir: join(dir, 'merged'),
      graphDriver: {
        Name: 'overlay2',
        Data: {
          LowerDir: lowerDir,
          UpperDir: join(dir, 'upper'),
          MergedDir: join(dir, 'merged'),
          WorkDir: join(dir, 'work'),
        },
      },
    };
  }

  async list(): Promise<string[]> {
    return (await readdir(this.containersDir)).filter((n) => CONTAINER_ID.test(n));
  }

  async remove(containerId: string): Promise<void> {
    const dir = this.containerDir(containerId);
    if (isMountPoint(join(dir, 'merged'))) {
      throw new EngineError('conflict', `container ${containerId}: ${join(dir, 'merged')} is still mounted`);
    }
    await rm(join(this.root, this.initLink(containerId)), { force: true });
    await rm(dir, { recursive: true, force: true });
  }

  async changes(containerId: string): Promise<Change[]> {
    const snap = await this.get(containerId);
    const upperOpaque = new Set(await scanOpaqueDirs(this.options.helperPath(), snap.upperDir));
    return overlayChanges(snap.upperDir, upperOpaque, await this.lowerSources(containerId, snap.parent));
  }

  /** The container's layers, top first (upper, init, image layers), with their opaque dirs: the merged view's sources. */
  async mergedSources(containerId: string): Promise<OverlaySource[]> {
    const snap = await this.get(containerId);
    const upper: OverlaySource = {
      dir: snap.upperDir,
      opaque: new Set(await scanOpaqueDirs(this.options.helperPath(), snap.upperDir)),
    };
    return [upper, ...(await this.lowerSources(containerId, snap.parent))];
  }

  async *export(containerId: string): AsyncGenerator<Buffer> {
    const snap = await this.get(containerId);
    if (isMountPoint(snap.mergedDir)) {
      yield* packTree(walkDir(snap.mergedDir), { ociWhiteouts: false });
      return;
    }
    yield* packTree(walkMerged(await this.mergedSources(containerId)), { ociWhiteouts: false });
  }

  async commit(containerId: string, blob: ContentWriter): Promise<CommittedLayer> {
    const snap = await this.get(containerId);
    const opaque = new Set(await scanOpaqueDirs(this.options.helperPath(), snap.upperDir));
    const tar = packTree(walkDir(snap.upperDir, opaque), { ociWhiteouts: true });
    async function* tee(): AsyncGenerator<Buffer> {
      for await (const chunk of tar) {
        await blob.write(chunk);
        yield chunk;
      }
    }
    // One pass: the tar goes to the content store and is unpacked into the new
    // layer's diff at once, so the new image's layer is never unpacked again.
    const tmp = this.layers.newTmp();
    try {
      const layerOpaque: string[] = [];
      const result = await applyLayer(join(tmp, 'diff'), tee(), {
        ...this.options,
        onOpaque: (d) => layerOpaque.push(d),
      });
      const info = await blob.commit({ expected: result.diffId });
      const chainId = chainIdOf(snap.parent, result.diffId);
      const existing = await this.layers.get(chainId);
      if (existing) {
        await rm(tmp, { recursive: true, force: true });
        return { layer: existing, blob: info };
      }
      const layer = this.layers.install(tmp, {
        chainId,
        diffId: result.diffId,
        parent: snap.parent,
        size: result.size,
        entries: result.entries,
        createdAt: new Date().toISOString(),
        opaque: layerOpaque,
      });
      return { layer, blob: info };
    } catch (err) {
      await blob.abort();
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  async usage(containerId: string): Promise<{ sizeRw: number; sizeRootFs: number }> {
    const snap = await this.get(containerId);
    const sizeRw = treeSize(snap.upperDir);
    const chain = snap.parent === null ? [] : await this.chain(snap.parent);
    return { sizeRw, sizeRootFs: sizeRw + treeSize(snap.initDir) + chain.reduce((n, l) => n + l.size, 0) };
  }

  /** layers from `top` down to the base, top first */
  private async chain(top: Digest): Promise<(LayerInfo & { opaque: string[] })[]> {
    const out: (LayerInfo & { opaque: string[] })[] = [];
    let id: Digest | null = top;
    while (id !== null) {
      const l = await this.layers.get(id);
      if (!l) throw new EngineError('not_found', `layer ${id} is not unpacked`);
      out.push(l);
      id = l.parent;
      if (out.length > 1000) throw new EngineError('internal', 'layer chain loops');
    }
    return out;
  }

  private async lowerSources(containerId: string, parent: Digest | null): Promise<OverlaySource[]> {
    const chain = parent === null ? [] : await this.chain(parent);
    return [
      { dir: join(this.containerDir(containerId), 'init'), opaque: new Set() },
      ...chain.map((l) => ({ dir: l.diffDir, opaque: new Set(l.opaque) })),
    ];
  }

  private async meta(containerId: string): Promise<z.infer<typeof SnapshotMeta>> {
    try {
      return SnapshotMeta.parse(
        JSON.parse(await readFile(join(this.containerDir(containerId), 'snapshot.json'), 'utf8')),
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new EngineError('not_found', `no snapshot for container ${containerId}`);
      }
      throw err;
    }
  }

  private containerDir(containerId: string): string {
    if (!CONTAINER_ID.test(containerId))
      throw new EngineError('invalid', `bad container id ${JSON.stringify(containerId)}`);
    return join(this.containersDir, containerId);
  }

  private initLink(containerId: string): string {
    return `l/i${createHash('sha256').update(containerId).digest('hex').slice(0, 15)}`;
  }

  private ensureInitLink(containerId: string): void {
    try {
      symlinkSync(`../containers/${containerId}/init`, join(this.root, this.initLink(containerId)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** A mounted directory sits on another device than its parent (overlay gets its own st_dev). */
export function isMountPoint(dir: string): boolean {
  try {
    return lstatSync(dir).dev !== lstatSync(join(dir, '..')).dev || mountedAt(dir);
  } catch {
    return false;
  }
}

function mountedAt(dir: string): boolean {
  const info = readFileSync('/proc/self/mountinfo', 'utf8');
  const escaped = dir.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return info.split('\n').some((line) => line.split(' ')[4] === escaped);
}

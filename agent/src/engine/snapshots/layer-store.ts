import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type ApplyOptions,
  type ApplyResult,
  asEngineError,
  createLayerSink,
} from '../archive/apply-layer.ts';
import { decompressed } from '../archive/decompress.ts';
import { Digest, digestHex } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import { chainIdOf } from './chain-id.ts';
import type { LayerInfo, LayerIngest } from './snapshotter.ts';

const LayerMeta = z.object({
  chainId: Digest,
  diffId: Digest,
  parent: Digest.nullable(),
  size: z.number(),
  entries: z.number(),
  createdAt: z.string(),
  /** directories of this layer that are overlay-opaque (read back by export and changes without a helper call) */
  opaque: z.array(z.string()),
});
type LayerMeta = z.infer<typeof LayerMeta>;

export type LayerApplyOptions = Omit<ApplyOptions, 'onOpaque'>;

/**
 * Unpacked layers at <root>/layers/<chainID hex>/{diff,layer.json} with short
 * links <root>/l/<16 hex> → ../layers/<hex>/diff so that long lowerdir
 * stacks fit mount(2)'s data page. A layer is unpacked into <root>/tmp and
 * renamed into place complete with its layer.json: a crash leaves either a
 * whole layer or a temp dir that clean() removes.
 */
export class LayerStore {
  readonly layersDir: string;
  readonly linksDir: string;
  readonly tmpDir: string;
  private readonly inflight = new Map<Digest, Promise<LayerInfo>>();

  constructor(
    readonly root: string,
    private readonly applyOptions: LayerApplyOptions,
  ) {
    this.layersDir = join(root, 'layers');
    this.linksDir = join(root, 'l');
    this.tmpDir = join(root, 'tmp');
    for (const d of [this.layersDir, this.linksDir, this.tmpDir])
      mkdirSync(d, { recursive: true, mode: 0o700 });
  }

  diffDir(chainId: Digest): string {
    return join(this.layersDir, digestHex(chainId), 'diff');
  }

  /** `l/<16 hex>`, relative to root */
  shortLink(chainId: Digest): string {
    return `l/${digestHex(chainId).slice(0, 16)}`;
  }

  async get(chainId: Digest): Promise<(LayerInfo & { opaque: string[] }) | undefined> {
    let raw: string;
    try {
      // synchronous: a small local file read on every layer lookup of a load
      raw = readFileSync(join(this.layersDir, digestHex(chainId), 'layer.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return this.toInfo(LayerMeta.parse(JSON.parse(raw)));
  }

  async list(): Promise<(LayerInfo & { opaque: string[] })[]> {
    const out: (LayerInfo & { opaque: string[] })[] = [];
    for (const hex of await readdir(this.layersDir)) {
      const info = await this.get(`sha256:${hex}` as Digest).catch(() => undefined);
      if (info) out.push(info);
    }
    return out;
  }

  /**
   * Unpacks `input` above `parent`. With an expected diff_id the layer may
   * already exist, and the caller should check get(chainIdOf(...)) first to
   * skip the download; without one the diff_id is known only at the end.
   */
  async apply(
    parent: Digest | null,
    input: AsyncIterable<Uint8Array>,
    expectedDiffId?: Digest,
  ): Promise<LayerInfo> {
    if (parent !== null && !(await this.get(parent))) {
      throw new EngineError('not_found', `parent layer ${parent} is not unpacked`);
    }
    if (expectedDiffId === undefined) return this.unpack(parent, input, undefined);
    const chainId = chainIdOf(parent, expectedDiffId);
    const existing = await this.get(chainId);
    if (existing) {
      (input as { destroy?: () => void }).destroy?.();
      return existing;
    }
    const running = this.inflight.get(chainId);
    if (running) return running;
    const p = this.unpack(parent, input, expectedDiffId).finally(() => this.inflight.delete(chainId));
    this.inflight.set(chainId, p);
    return p;
  }

  /** Moves an unpacked temp dir into place (also used by commit, whose diff is built in tmp). */
  install(tmp: string, meta: LayerMeta): LayerInfo {
    writeFileSync(join(tmp, 'layer.json'), JSON.stringify(meta));
    const final = join(this.layersDir, digestHex(meta.chainId));
    try {
      renameSync(tmp, final);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // someone else installed the same layer first: theirs is identical
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      void rm(tmp, { recursive: true, force: true });
    }
    this.ensureLink(meta.chainId);
    return this.toInfo(meta);
  }

  ensureLink(chainId: Digest): void {
    try {
      symlinkSync(`../layers/${digestHex(chainId)}/diff`, join(this.root, this.shortLink(chainId)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }

  newTmp(): string {
    const dir = join(this.tmpDir, randomBytes(8).toString('hex'));
    mkdirSync(join(dir, 'diff'), { recursive: true, mode: 0o700 });
    return dir;
  }

  async remove(chainId: Digest): Promise<void> {
    const hex = digestHex(chainId);
    await rm(join(this.root, this.shortLink(chainId)), { force: true });
    // rename first so a crash mid-delete never leaves a half layer under its real name
    const doomed = join(this.tmpDir, `rm-${hex}`);
    try {
      renameSync(join(this.layersDir, hex), doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await rm(doomed, { recursive: true, force: true });
  }

  /** removes temp dirs left by a crash; call at startup */
  async clean(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
  }

  /**
   * Starts unpacking a layer whose place in a chain is not known yet (a
   * `docker load` streams layers before the manifest that orders them; the
   * diff does not depend on the parent, only its ChainID name does).
   */
  begin(): LayerIngest {
    const tmp = this.newTmp();
    const opaque: string[] = [];
    const sink = createLayerSink(join(tmp, 'diff'), {
      ...this.applyOptions,
      onOpaque: (d) => opaque.push(d),
    });
    let result: ApplyResult | undefined;
    let done = false;
    const discard = async () => {
      done = true;
      await sink.abort();
      await rm(tmp, { recursive: true, force: true });
    };
    return {
      push: (chunk) => sink.push(chunk),
      finish: async () => {
        try {
          result = await sink.finish();
          return result.diffId;
        } catch (err) {
          await discard();
          throw err;
        }
      },
      commit: async (parent) => {
        if (!result || done)
          throw new EngineError('internal', 'layer ingest committed before finish() or twice');
        done = true;
        const chainId = chainIdOf(parent, result.diffId);
        const existing = await this.get(chainId);
        if (existing) {
          await rm(tmp, { recursive: true, force: true });
          return existing;
        }
        return this.install(tmp, {
          chainId,
          diffId: result.diffId,
          parent,
          size: result.size,
          entries: result.entries,
          createdAt: new Date().toISOString(),
          opaque,
        });
      },
      abort: async () => {
        if (!done) await discard();
      },
    };
  }

  private async unpack(
    parent: Digest | null,
    input: AsyncIterable<Uint8Array>,
    expectedDiffId: Digest | undefined,
  ): Promise<LayerInfo> {
    const ingest = this.begin();
    try {
      for await (const chunk of await decompressed(input)) await ingest.push(chunk);
      const diffId = await ingest.finish();
      if (expectedDiffId !== undefined && diffId !== expectedDiffId) {
        throw new EngineError('invalid', `layer diff_id mismatch: expected ${expectedDiffId}, got ${diffId}`);
      }
      return await ingest.commit(parent);
    } catch (err) {
      await ingest.abort();
      throw asEngineError(err);
    }
  }

  private toInfo(meta: LayerMeta): LayerInfo & { opaque: string[] } {
    return { ...meta, diffDir: this.diffDir(meta.chainId) };
  }
}

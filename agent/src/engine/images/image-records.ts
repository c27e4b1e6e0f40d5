import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Digest } from '../content/digest.ts';

export const LayerRecord = z.object({
  /** the blob as stored (maybe compressed) */
  digest: Digest,
  mediaType: z.string(),
  size: z.number(),
  diffId: Digest,
});
export type LayerRecord = z.infer<typeof LayerRecord>;

export const ImageRecord = z.object({
  /** config digest: the image id */
  id: Digest,
  manifestDigest: Digest,
  layers: z.array(LayerRecord),
  /** top layer's ChainID; null for an image without layers */
  chainId: Digest.nullable(),
  /** `name@sha256:…` of manifests this image was pulled or pushed by */
  repoDigests: z.array(z.string()),
  /** local parent (the base of a committed image) */
  parent: Digest.nullable(),
  /** unpacked bytes of all layers */
  size: z.number(),
  created: z.string(),
  loadedAt: z.string(),
  lastTagTime: z.string().nullable(),
});
export type ImageRecord = z.infer<typeof ImageRecord>;

const RecordsFile = z.object({
  version: z.literal(1),
  images: z.record(z.string(), ImageRecord),
  /** normalised `domain/path:tag` → image id */
  tags: z.record(z.string(), Digest),
});
export type Records = z.infer<typeof RecordsFile>;

/**
 * All image records in one JSON file (images/records.json), replaced
 * atomically (temp + rename) on every change. Updates are serialised in
 * process, so an update sees every earlier one; the agent is the only writer.
 */
export class ImageRecords {
  private readonly file: string;
  private cache: Records | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly sync = true,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'records.json');
  }

  async read(): Promise<Records> {
    if (this.cache) return this.cache;
    try {
      this.cache = RecordsFile.parse(JSON.parse(await readFile(this.file, 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.cache = { version: 1, images: {}, tags: {} };
    }
    return this.cache;
  }

  /** Runs fn on a copy; its result is persisted before the promise resolves. fn may throw to abort. */
  update<T>(fn: (r: Records) => T | Promise<T>): Promise<T> {
    const run = async () => {
      const current = await this.read();
      const next = structuredClone(current);
      const result = await fn(next);
      const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      // written and synced before the rename, so a crash leaves the old or the new file whole
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeFileSync(fd, JSON.stringify(next));
        if (this.sync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
      this.cache = next;
      return result;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => {});
    return p;
  }
}

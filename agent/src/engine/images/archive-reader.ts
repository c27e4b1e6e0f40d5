import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { decompressed } from '../archive/decompress.ts';
import { type TarEntryHeader, TarParser, type TarSink } from '../archive/tar-parser.ts';
import type { ContentStore, ContentWriter } from '../content/content-store.ts';
import { type Digest, isDigest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';
import type { LayerIngest } from '../snapshots/snapshotter.ts';

/** Small JSON files an image archive is described by; every other file is a blob. */
const METADATA = new Set(['manifest.json', 'index.json', 'repositories', 'oci-layout']);
const MAX_METADATA_BYTES = 32 * 2 ** 20;
const MAX_ENTRIES = 100_000;

export interface ArchiveContents {
  /** manifest.json, index.json, repositories, oci-layout as read */
  metadata: Map<string, Buffer>;
  /** archive path → digest of the committed blob (symlinks resolved) */
  blobs: Map<string, Digest>;
  /** blobs this read committed that were not in the store before (to undo on failure) */
  added: Digest[];
  /** layer blobs unpacked while they streamed, by blob digest; commit or abort each */
  unpacked: Map<Digest, { ingest: LayerIngest; diffId: Digest }>;
}

export interface ReadOptions {
  /** when given, blobs that look like uncompressed layer tars are unpacked as they stream */
  beginLayer?: () => LayerIngest;
}

/**
 * One streaming pass over an image archive: every regular file except the
 * metadata goes straight into the content store. `blobs/sha256/<hex>` files
 * (OCI layout, Docker 25+) are verified against their name on commit; the
 * legacy layout's `<id>/layer.tar` and `<hex>.json` are hashed as they
 * stream (the name of the latter is checked too). Order does not matter.
 */
export async function readImageArchive(
  content: ContentStore,
  input: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): Promise<ArchiveContents> {
  const metadata = new Map<string, Buffer>();
  const blobs = new Map<string, Digest>();
  const symlinks = new Map<string, string>();
  const added: Digest[] = [];
  const unpacked = new Map<Digest, { ingest: LayerIngest; diffId: Digest }>();
  const ingests: LayerIngest[] = [];
  let entries = 0;
  // The parser is synchronous; what its callbacks ask for is queued and run
  // after each input chunk, so at most one chunk is in memory.
  const queue: (() => Promise<void>)[] = [];
  let current: {
    name: string;
    meta: Buffer[] | null;
    writer: Promise<ContentWriter> | null;
    expected?: Digest;
    /** undefined: not decided yet (the first chunk decides); null: not unpacked while streaming */
    ingest?: LayerIngest | null;
  } | null = null;
  const writers: Promise<ContentWriter>[] = [];

  const sink: TarSink = {
    entry(h: TarEntryHeader) {
      if (++entries > MAX_ENTRIES)
        throw new EngineError('invalid', `image archive has over ${MAX_ENTRIES} entries`);
      const name = posix
        .normalize(h.name)
        .replace(/^(\.\/)+/, '')
        .replace(/\/$/, '');
      current = null;
      if (h.type === 'symlink') {
        // legacy docker save deduplicates layers as <id>/layer.tar -> ../<other>/layer.tar
        symlinks.set(name, posix.join(posix.dirname(name), h.linkname));
        return;
      }
      if (h.type !== 'file') return;
      if (METADATA.has(name)) {
        if (h.size > MAX_METADATA_BYTES)
          throw new EngineError('invalid', `${name} in the archive is too large`);
        current = { name, meta: [], writer: null };
        return;
      }
      const expected = expectedDigest(name);
      if (expected !== undefined && existsSync(content.path(expected))) {
        // already stored (a layer another image shares): neither written nor unpacked again
        blobs.set(name, expected);
        current = { name, meta: null, writer: null, ingest: null };
        return;
      }
      const writer = content.writer({ ...(expected ? { expected } : {}), size: h.size });
      writers.push(writer);
      current = { name, meta: null, writer, ...(expected ? { expected } : {}) };
    },
    data(chunk: Buffer) {
      const c = current;
      if (!c) return;
      if (c.meta) {
        c.meta.push(Buffer.from(chunk));
        return;
      }
      if (c.ingest === undefined)
        c.ingest = maybeLayer(chunk) && options.beginLayer ? options.beginLayer() : null;
      if (c.ingest) {
        if (c.ingest !== ingests[ingests.length - 1]) ingests.push(c.ingest);
        try {
          const room = c.ingest.push(chunk);
          // the unpack queued too much: the next input chunk waits for it
          if (room) queue.push(() => room);
        } catch {
          // not a layer after all, or a bad one: it is unpacked (and refused) from the blob later
          const dropped = c.ingest;
          queue.push(() => dropped.abort());
          c.ingest = null;
        }
      }
      // the queue runs before the next input chunk is read, so the chunk is still valid
      queue.push(async () => {
        await (await c.writer)?.write(chunk);
      });
    },
    entryEnd() {
      const c = current;
      current = null;
      if (!c) return;
      if (c.meta) {
        metadata.set(c.name, Buffer.concat(c.meta));
        return;
      }
      queue.push(async () => {
        const w = await c.writer;
        if (!w) return;
        const digest = w.digest();
        if (c.ingest) {
          const ingest = c.ingest;
          const diffId = await ingest.finish().catch(() => null);
          if (diffId !== null && !unpacked.has(digest)) unpacked.set(digest, { ingest, diffId });
          else await ingest.abort();
        }
        if ((c.expected === undefined || digest === c.expected) && (await content.has(digest))) {
          await w.abort(); // already stored (another image's layer): keep the stored one
        } else {
          const info = await w.commit();
          added.push(info.digest);
        }
        blobs.set(c.name, digest);
      });
    },
  };

  const parser = new TarParser(sink);
  try {
    for await (const chunk of await decompressed(input)) {
      parser.push(chunk);
      while (queue.length > 0) await (queue.shift() as () => Promise<void>)();
    }
    parser.end();
  } catch (err) {
    // aborting a committed writer or ingest is a no-op, so every one can be aborted
    for (const w of writers) await (await w.catch(() => null))?.abort();
    for (const i of ingests) await i.abort();
    for (const d of added) await content.delete(d).catch(() => {});
    if (err instanceof EngineError) throw err;
    throw new EngineError('invalid', `not a readable image archive: ${(err as Error).message}`, {
      cause: err,
    });
  }
  for (const [link, target] of symlinks) {
    const digest = blobs.get(posix.normalize(target));
    if (digest !== undefined) blobs.set(link, digest);
  }
  return { metadata, blobs, added, unpacked };
}

/** Uncompressed tars start with a name; JSON with a brace or bracket, gzip and zstd with their magic. */
function maybeLayer(first: Buffer): boolean {
  const b = first[0];
  return b !== undefined && b !== 0x7b && b !== 0x5b && b !== 0x1f && b !== 0x28 && b !== 0;
}

/** `blobs/sha256/<hex>` and legacy `<hex>.json` configs name their digest. */
function expectedDigest(name: string): Digest | undefined {
  const oci = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
  const legacyConfig = /^([a-f0-9]{64})\.json$/.exec(name);
  const hex = oci?.[1] ?? legacyConfig?.[1];
  if (hex === undefined) return undefined;
  const d = `sha256:${hex}`;
  return isDigest(d) ? d : undefined;
}

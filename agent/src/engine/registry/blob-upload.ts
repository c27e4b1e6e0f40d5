import type { Readable } from 'node:stream';
import type { ContentStore } from '../content/content-store.ts';
import type { Descriptor } from '../images/oci-schemas.ts';
import type { ProgressListener } from './progress.ts';
import { shortId } from './progress.ts';
import type { RegistryClient } from './registry-client.ts';

export interface UploadOptions {
  content: ContentStore;
  /** repositories on the same registry this blob may be mounted from */
  mountFrom: string[];
  /** PATCH chunks of this many bytes; without it one monolithic PUT */
  chunkSize?: number | undefined;
  onProgress: ProgressListener;
  /** report progress under this id (config blobs are not shown, as in Docker) */
  quiet?: boolean;
}

/**
 * Puts one blob in the repository the cheapest way the registry allows:
 * nothing if it is there (HEAD), a cross-repository mount when the image
 * came from another repository of this registry, else an upload streamed
 * from the content store, whole or in chunks. The registry checks the
 * digest when the upload is closed.
 */
export async function uploadBlob(
  client: RegistryClient,
  desc: Descriptor,
  options: UploadOptions,
): Promise<void> {
  const id = shortId(desc.digest);
  const emit: ProgressListener = options.quiet ? () => {} : options.onProgress;
  if (await client.hasBlob(desc.digest)) {
    emit({ kind: 'layer', id, status: 'Layer already exists' });
    return;
  }
  let location: string | undefined;
  for (const from of options.mountFrom) {
    const r = await client.startUpload({ digest: desc.digest, repository: from });
    if ('mounted' in r) {
      emit({ kind: 'layer', id, status: `Mounted from ${from}` });
      return;
    }
    location = r.location; // the registry opened an ordinary upload instead
    break;
  }
  if (location === undefined) {
    const r = await client.startUpload();
    if ('mounted' in r) return;
    location = r.location;
  }
  const progress = (sent: number) =>
    emit({ kind: 'layer', id, status: 'Pushing', current: sent, total: desc.size });
  if (options.chunkSize !== undefined && desc.size > options.chunkSize) {
    let offset = 0;
    for await (const chunk of rechunk(options.content.read(desc.digest), options.chunkSize)) {
      location = await client.patchChunk(location, offset, chunk);
      offset += chunk.byteLength;
      progress(offset);
    }
    await client.finishUpload(location, desc.digest);
  } else {
    await client.putBlob(location, desc.digest, desc.size, () => {
      const stream = options.content.read(desc.digest);
      let sent = 0;
      stream.on('data', (chunk: Buffer) => {
        sent += chunk.byteLength;
        progress(sent);
      });
      return stream;
    });
  }
  emit({ kind: 'layer', id, status: 'Pushed' });
}

async function* rechunk(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let c = chunk;
    while (held + c.byteLength >= size) {
      const take = size - held;
      parts.push(c.subarray(0, take));
      yield Buffer.concat(parts);
      c = c.subarray(take);
      parts = [];
      held = 0;
    }
    if (c.byteLength > 0) {
      parts.push(c);
      held += c.byteLength;
    }
  }
  if (held > 0) yield Buffer.concat(parts);
}

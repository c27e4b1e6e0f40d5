import { findImage } from '../images/find-image.ts';
import { type ImageRecord, ImageRecords } from '../images/image-records.ts';

/**
 * The record (manifest digest, layer blobs as stored) of a local image.
 * ImageStore has no call that returns the manifest digest, so push reads
 * the records file read-only, through the image module's own parser.
 * TODO(images owner): an `ImageStore.manifestOf(ref)` would replace this.
 */
export async function localImageRecord(imagesDir: string, ref: string): Promise<ImageRecord> {
  return findImage(await new ImageRecords(imagesDir, false).read(), ref).record;
}

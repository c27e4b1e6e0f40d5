import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import {
  type ArchiveFormat,
  type BuiltImage,
  buildImage,
  imageArchive,
  type LayerEntry,
  layerTar,
} from './image-archive-builder.ts';

/**
 * A real busybox image for tests, built locally from Debian's busybox-static
 * (`apt-get install -y busybox-static`): no registry, no network.
 *
 *   import { busyboxArchive } from '../images/testing/busybox-image.ts';
 *   const { archive, image } = busyboxArchive();          // docker-save tarball (Buffer)
 *   await images.load(Readable.from([archive]));           // or write it to a file
 *   // image.id is the image id the store will report; the tag is busybox:latest
 *
 * busyboxRootfs() is the one-layer rootfs (bin/busybox, every applet as a
 * hardlink in bin/, etc/passwd, etc/group, tmp, root, ...), usable as a layer
 * or as the input of an image import. Pass `extraLayers` (see layerTar) to
 * stack more layers on top.
 */
export const BUSYBOX_PATH = process.env.BERTH_TEST_BUSYBOX ?? '/bin/busybox';

export function busyboxAvailable(): boolean {
  return existsSync(BUSYBOX_PATH);
}

let cachedRootfs: Buffer | undefined;

export function busyboxRootfsEntries(): LayerEntry[] {
  if (!busyboxAvailable()) {
    throw new Error(`${BUSYBOX_PATH} missing: apt-get install -y busybox-static (or set BERTH_TEST_BUSYBOX)`);
  }
  const applets = execFileSync(BUSYBOX_PATH, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter((a) => /^[a-z0-9_.[-]+$/i.test(a) && a !== 'busybox');
  const entries: LayerEntry[] = [
    { path: 'bin', type: 'dir' },
    { path: 'bin/busybox', content: readFileSync(BUSYBOX_PATH), mode: 0o755 },
    ...applets.map((a): LayerEntry => ({ path: `bin/${a}`, type: 'link', target: 'bin/busybox' })),
    { path: 'dev', type: 'dir' },
    { path: 'etc', type: 'dir' },
    {
      path: 'etc/passwd',
      content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    },
    { path: 'etc/group', content: 'root:x:0:\nnogroup:x:65534:\n' },
    { path: 'home', type: 'dir' },
    { path: 'proc', type: 'dir' },
    { path: 'root', type: 'dir', mode: 0o700 },
    { path: 'sys', type: 'dir' },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'usr', type: 'dir' },
    { path: 'usr/sbin', type: 'dir' },
    { path: 'var', type: 'dir' },
  ];
  return entries;
}

/** The busybox rootfs as one uncompressed layer tar (cached: it is ~2 MB and deterministic). */
export function busyboxRootfs(): Buffer {
  cachedRootfs ??= layerTar(busyboxRootfsEntries());
  return cachedRootfs;
}

export interface BusyboxArchiveOptions {
  tag?: string;
  extraLayers?: LayerEntry[][];
  format?: ArchiveFormat;
  config?: Record<string, unknown>;
}

/** A `docker save` tarball (or OCI layout) of busybox, plus what the store should report for it. */
export function busyboxArchive(options: BusyboxArchiveOptions = {}): { archive: Buffer; image: BuiltImage } {
  const spec = {
    layers: [busyboxRootfs(), ...(options.extraLayers ?? []).map((l) => layerTar(l))],
    tags: [options.tag ?? 'busybox:latest'],
    ...(options.config ? { config: options.config } : {}),
  };
  return { archive: imageArchive([spec], options.format ?? 'docker'), image: buildImage(spec) };
}

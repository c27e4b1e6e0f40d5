import { createHash } from 'node:crypto';
import http from 'node:http';
import { goArch } from '../../images/testing/image-archive-builder.ts';

/**
 * Uploads blobs and manifests to an anonymous registry with bare HTTP
 * (POST + monolithic PUT), independent of the client under test.
 */
export function digestOf(b: Uint8Array): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function call(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const req = http.request(
        url,
        { method, headers: { 'content-length': String(body?.byteLength ?? 0), ...headers } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

export async function rawPushBlob(host: string, repo: string, blob: Buffer): Promise<string> {
  const digest = digestOf(blob);
  const start = await call('POST', `http://${host}/v2/${repo}/blobs/uploads/`);
  if (start.status !== 202) throw new Error(`upload start: ${start.status} ${start.body}`);
  const loc = new URL(String(start.headers.location), `http://${host}`);
  loc.searchParams.set('digest', digest);
  const put = await call('PUT', loc.href, blob, { 'content-type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`upload: ${put.status} ${put.body}`);
  return digest;
}

export async function rawPushManifest(
  host: string,
  repo: string,
  ref: string,
  bytes: Buffer,
  mediaType: string,
): Promise<string> {
  const put = await call('PUT', `http://${host}/v2/${repo}/manifests/${ref}`, bytes, {
    'content-type': mediaType,
  });
  if (put.status !== 201) throw new Error(`manifest: ${put.status} ${put.body}`);
  return digestOf(bytes);
}

export interface RawImage {
  manifestBytes: Buffer;
  manifestDigest: string;
  configDigest: string;
}

/** Pushes an image of the given layers (uncompressed or gzip) and platform; returns its manifest. */
export async function rawPushImage(
  host: string,
  repo: string,
  options: {
    layers: Buffer[];
    diffIds: string[];
    architecture: string;
    os?: string;
    variant?: string;
    tag?: string;
  },
): Promise<RawImage> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: options.architecture,
      os: options.os ?? 'linux',
      ...(options.variant ? { variant: options.variant } : {}),
      config: { Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: options.diffIds },
    }),
  );
  const configDigest = await rawPushBlob(host, repo, config);
  const layers = [];
  for (const l of options.layers) {
    const gz = l[0] === 0x1f && l[1] === 0x8b;
    layers.push({
      mediaType: gz
        ? 'application/vnd.oci.image.layer.v1.tar+gzip'
        : 'application/vnd.oci.image.layer.v1.tar',
      digest: await rawPushBlob(host, repo, l),
      size: l.byteLength,
    });
  }
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.byteLength,
      },
      layers,
    }),
  );
  const manifestDigest = await rawPushManifest(
    host,
    repo,
    options.tag ?? digestOf(manifestBytes),
    manifestBytes,
    'application/vnd.oci.image.manifest.v1+json',
  );
  return { manifestBytes, manifestDigest, configDigest };
}

/**
 * A two-platform OCI index tagged `latest`: this host's architecture and
 * another one (arm64/v8, or amd64 on an arm64 host), both of one layer.
 */
export async function rawPushTwoArchIndex(host: string, repo: string, layer: Buffer, diffId: string) {
  const native = await rawPushImage(host, repo, {
    layers: [layer],
    diffIds: [diffId],
    architecture: goArch(),
  });
  const other = goArch() === 'arm64' ? { architecture: 'amd64' } : { architecture: 'arm64', variant: 'v8' };
  const foreign = await rawPushImage(host, repo, { layers: [layer], diffIds: [diffId], ...other });
  const entry = (image: RawImage, platform: { architecture: string; variant?: string }) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: image.manifestDigest,
    size: image.manifestBytes.byteLength,
    platform: { os: 'linux', ...platform },
  });
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [entry(native, { architecture: goArch() }), entry(foreign, other)],
    }),
  );
  const indexDigest = await rawPushManifest(
    host,
    repo,
    'latest',
    index,
    'application/vnd.oci.image.index.v1+json',
  );
  return {
    native,
    foreign,
    other,
    /** `--platform` naming the foreign entry */
    otherPlatform: other.architecture === 'arm64' ? 'linux/arm64/v8' : 'linux/amd64',
    indexDigest,
  };
}

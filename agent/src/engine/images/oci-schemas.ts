import { z } from 'zod';
import { Digest } from '../content/digest.ts';
import { EngineError } from '../errors.ts';

/** Zod schemas for what arrives from tarballs and registries: parsed once at the edge, trusted after. */

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export const LAYER_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociLayer,
  MediaType.ociLayerGzip,
  MediaType.ociLayerZstd,
  MediaType.dockerLayer,
  MediaType.dockerLayerGzip,
  MediaType.dockerForeignLayerGzip,
]);
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociManifest,
  MediaType.dockerManifest,
]);
export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociIndex,
  MediaType.dockerManifestList,
]);

const Annotations = z.record(z.string(), z.string());

export const Platform = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
});
export type Platform = z.infer<typeof Platform>;

export const Descriptor = z.looseObject({
  mediaType: z.string(),
  digest: Digest,
  size: z.number().int().nonnegative(),
  annotations: Annotations.optional(),
  platform: Platform.optional(),
  urls: z.array(z.string()).optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

export const ImageManifest = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor).max(1000),
  annotations: Annotations.optional(),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

export const ImageIndex = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(Descriptor).max(10_000),
  annotations: Annotations.optional(),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

const StringList = z.array(z.string()).nullish();
const EmptyObjectMap = z.record(z.string(), z.looseObject({})).nullish();

/** The runtime part of an image config, with Docker's field names. */
export const ContainerConfig = z.looseObject({
  User: z.string().optional(),
  ExposedPorts: EmptyObjectMap,
  Env: StringList,
  Entrypoint: StringList,
  Cmd: StringList,
  Volumes: EmptyObjectMap,
  WorkingDir: z.string().optional(),
  Labels: z.record(z.string(), z.string()).nullish(),
  StopSignal: z.string().optional(),
  Healthcheck: z
    .looseObject({
      Test: StringList,
      Interval: z.number().optional(),
      Timeout: z.number().optional(),
      StartPeriod: z.number().optional(),
      StartInterval: z.number().optional(),
      Retries: z.number().optional(),
    })
    .nullish(),
  OnBuild: StringList,
  Shell: StringList,
  ArgsEscaped: z.boolean().optional(),
});
export type ContainerConfig = z.infer<typeof ContainerConfig>;

export const HistoryEntry = z.looseObject({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const ImageConfig = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  created: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  docker_version: z.string().optional(),
  config: ContainerConfig.nullish(),
  rootfs: z.looseObject({ type: z.literal('layers'), diff_ids: z.array(Digest).max(1000) }),
  history: z.array(HistoryEntry).nullish(),
});
export type ImageConfig = z.infer<typeof ImageConfig>;

/** docker save's manifest.json */
export const DockerArchiveManifest = z
  .array(
    z.looseObject({
      Config: z.string(),
      RepoTags: z.array(z.string()).nullish(),
      Layers: z.array(z.string()).max(1000),
    }),
  )
  .max(10_000);
export type DockerArchiveManifest = z.infer<typeof DockerArchiveManifest>;

/** docker save's legacy `repositories`: { name: { tag: layer id } } */
export const DockerRepositories = z.record(z.string(), z.record(z.string(), z.string()));

export const OciLayoutFile = z.looseObject({ imageLayoutVersion: z.string() });

export const Annotation = {
  refName: 'org.opencontainers.image.ref.name',
  containerdName: 'io.containerd.image.name',
  created: 'org.opencontainers.image.created',
} as const;

/** Parses JSON bytes with a schema, turning both failure kinds into one invalid-input error. */
export function parseJson<T>(schema: z.ZodType<T>, bytes: Uint8Array | string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new EngineError('invalid', `${what}: not JSON`, { cause: err });
  }
  const result = schema.safeParse(value);
  if (!result.success)
    throw new EngineError('invalid', `${what}: ${z.prettifyError(result.error)}`, { cause: result.error });
  return result.data;
}

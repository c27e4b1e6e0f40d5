/** The registry module's public surface: what the engine's wiring and the Docker API use. */
export type { RegistryAuth } from './credentials.ts';
export type { DistributionInspect } from './distribution-inspect.ts';
export { registryHostOf } from './login.ts';
export type { PlatformSpec } from './platform-select.ts';
export { formatPlatform, parsePlatform } from './platform-select.ts';
export type { LayerStatus, ProgressEvent, ProgressListener } from './progress.ts';
export {
  createProgressFormatter,
  formatProgressError,
  type JsonMessage,
  toJsonMessage,
} from './progress-lines.ts';
export type { PullOptions, PullResult } from './pull.ts';
export type { PushOptions, PushResult } from './push.ts';
export { RegistryConfig, type RegistryConfigInput } from './registry-config.ts';
export {
  createRegistryService,
  type RegistryService,
  type RegistryServiceOptions,
  type TransferProgress,
} from './registry-service.ts';

import type { ContainerSpec } from './spec.ts';
import type { ContainerState } from './state.ts';

/**
 * Everything the engine keeps about one container, in containers/<id>/container.json.
 * The spec is what was asked; the rest is what the engine resolved from it, so
 * a restart of the agent needs nothing but these files.
 */
export interface ContainerRecord {
  id: string;
  name: string;
  created: string;
  spec: ContainerSpec;
  /** image id (config digest) and the reference the user gave */
  imageId: string;
  imageRef: string;
  /** the command as resolved from the image and the spec */
  path: string;
  args: string[];
  env: string[];
  workingDir: string;
  user: string;
  hostname: string;
  /** "80/tcp": the image's EXPOSE and --expose, what -P publishes (absent in records of older agents) */
  exposedPorts?: string[];
  /** overlay paths, as `docker inspect` GraphDriver.Data shows them */
  graphDriver: { lowerDir: string; upperDir: string; mergedDir: string; workDir: string };
  /** volumes this container mounts: name → target */
  volumes: { name: string; target: string; anonymous: boolean }[];
  logPath: string;
  hostsPath: string;
  hostnamePath: string;
  resolvConfPath: string;
  state: ContainerState;
}

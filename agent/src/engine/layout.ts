import { join } from 'node:path';

/**
 * Where each engine module keeps its files under the agent's data root. One
 * module owns each directory; nothing else writes there.
 */
export function dataLayout(dataRoot: string) {
  return {
    root: dataRoot,
    /** content-addressed blobs: content/blobs/sha256/<hex>; partial writes in content/ingest */
    content: join(dataRoot, 'content'),
    /** image records (name → manifest, config) */
    images: join(dataRoot, 'images'),
    /** unpacked layers and per-container overlay dirs */
    snapshots: join(dataRoot, 'snapshots'),
    /** container records, state files, logs */
    containers: join(dataRoot, 'containers'),
    /** named volumes: volumes/<name>/_data */
    volumes: join(dataRoot, 'volumes'),
    /** runtime state of live tasks (monitor sockets, pid files) */
    tasks: join(dataRoot, 'tasks'),
    /** the agent's own identity and control-plane credential */
    agent: join(dataRoot, 'agent'),
  };
}
export type DataLayout = ReturnType<typeof dataLayout>;

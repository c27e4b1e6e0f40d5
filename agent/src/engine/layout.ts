import { createHash } from 'node:crypto';
import { join } from 'node:path';

const RUN_DIR = process.env.BERTH_RUN_DIR ?? '/run/berth';

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
    /** network records and their leases: networks/<id>.json */
    networks: join(dataRoot, 'networks'),
    /** named volumes: volumes/<name>/_data */
    volumes: join(dataRoot, 'volumes'),
    /**
     * runtime state of live tasks (monitor sockets, state files): under /run,
     * a tmpfs that lives as long as the processes it describes (Docker keeps
     * /run/docker for the same reason). It makes each start's directory work
     * cheap and keeps monitor socket paths short whatever the data root's
     * length (sockaddr_un holds 108 bytes). One directory per data root.
     */
    tasks: join(RUN_DIR, createHash('sha256').update(dataRoot).digest('hex').slice(0, 12), 'tasks'),
    /** containers' network namespaces, bind-mounted while they run (beside tasks, for the same reasons) */
    netns: join(RUN_DIR, createHash('sha256').update(dataRoot).digest('hex').slice(0, 12), 'netns'),
    /** the agent's own identity and control-plane credential */
    agent: join(dataRoot, 'agent'),
  };
}
export type DataLayout = ReturnType<typeof dataLayout>;

import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { DEFAULT_NETWORK_SPEC } from '../network/spec.ts';
import type { ContainerRecord } from './record.ts';

const RECORD_FILE = 'container.json';

/**
 * Container records on disk (containers/<id>/container.json) and in memory,
 * with the name index. Lookups accept a full id, a unique id prefix or a name,
 * as Docker's do.
 */
export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly idByName = new Map<string, string>();

  constructor(readonly root: string) {}

  dir(id: string): string {
    return join(this.root, id);
  }

  /** Reads every record; directories without a complete record are leftovers of a crashed create. */
  async load(): Promise<{ leftovers: string[] }> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const leftovers: string[] = [];
    for (const id of await readdir(this.root)) {
      let record: ContainerRecord;
      try {
        record = JSON.parse(await readFile(join(this.root, id, RECORD_FILE), 'utf8'));
      } catch {
        leftovers.push(id);
        continue;
      }
      // records of agents before networking had an empty net namespace: they keep it
      record.spec.network ??= { ...DEFAULT_NETWORK_SPEC, mode: 'none' };
      this.byId.set(record.id, record);
      this.idByName.set(record.name, record.id);
    }
    return { leftovers };
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  find(ref: string): ContainerRecord | undefined {
    const name = ref.startsWith('/') ? ref.slice(1) : ref;
    const exact = this.byId.get(ref) ?? this.byId.get(this.idByName.get(name) ?? '');
    if (exact) return exact;
    if (!/^[0-9a-f]{1,64}$/.test(ref)) return undefined;
    const matches = [...this.byId.keys()].filter((id) => id.startsWith(ref));
    if (matches.length > 1)
      throw new EngineError('invalid', `multiple IDs found with provided prefix: ${ref}`);
    return matches[0] === undefined ? undefined : this.byId.get(matches[0]);
  }

  get(ref: string): ContainerRecord {
    const record = this.find(ref);
    if (!record) throw new EngineError('not_found', `No such container: ${ref}`);
    return record;
  }

  nameTaken(name: string): boolean {
    return this.idByName.has(name);
  }

  /** Reserves a name before the slow part of create, so two creates cannot take the same one. */
  reserveName(name: string, id: string): void {
    const holder = this.idByName.get(name);
    if (holder !== undefined) {
      throw new EngineError(
        'conflict',
        `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.idByName.set(name, id);
  }

  releaseName(name: string, id: string): void {
    if (this.idByName.get(name) === id) this.idByName.delete(name);
  }

  /** The first save of a record is made durable; later ones (state changes, often on the start path) replace it. */
  async save(record: ContainerRecord): Promise<void> {
    const known = this.byId.has(record.id);
    if (!known) await mkdir(this.dir(record.id), { recursive: true, mode: 0o700 });
    await writeFileAtomic(join(this.dir(record.id), RECORD_FILE), JSON.stringify(record), { sync: !known });
    this.byId.set(record.id, record);
    this.idByName.set(record.name, record.id);
  }

  /** Removes the record first (a rename, atomic), then its files. */
  async delete(record: ContainerRecord): Promise<void> {
    const trash = join(this.root, `.removing-${record.id}`);
    await rename(this.dir(record.id), trash).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.byId.delete(record.id);
    this.releaseName(record.name, record.id);
    await rm(trash, { recursive: true, force: true });
  }
}

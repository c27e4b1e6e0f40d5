import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { NetworkRecord } from './record.ts';

/**
 * Network records (networks/<id>.json) and their leases, in memory and on
 * disk. Lookups take a full id, a unique id prefix or a name, as Docker's do.
 */
export class NetworkStore {
  private readonly byId = new Map<string, NetworkRecord>();

  constructor(private readonly root: string) {}

  async load(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    for (const file of await readdir(this.root)) {
      if (!file.endsWith('.json')) continue;
      const text = await readFile(join(this.root, file), 'utf8');
      const record = NetworkRecord.parse(JSON.parse(text));
      this.byId.set(record.id, record);
    }
  }

  all(): NetworkRecord[] {
    return [...this.byId.values()];
  }

  find(ref: string): NetworkRecord | undefined {
    const exact = this.byId.get(ref) ?? this.all().find((n) => n.name === ref);
    if (exact) return exact;
    if (!/^[0-9a-f]{1,64}$/.test(ref)) return undefined;
    const matches = this.all().filter((n) => n.id.startsWith(ref));
    if (matches.length > 1)
      throw new EngineError('invalid', `network ${ref} is ambiguous (${matches.length} matches found)`);
    return matches[0];
  }

  get(ref: string): NetworkRecord {
    const found = this.find(ref);
    if (!found) throw new EngineError('not_found', `network ${ref} not found`);
    return found;
  }

  async save(record: NetworkRecord): Promise<void> {
    await writeFileAtomic(join(this.root, `${record.id}.json`), JSON.stringify(record), { sync: false });
    this.byId.set(record.id, record);
  }

  async delete(id: string): Promise<void> {
    await rm(join(this.root, `${id}.json`), { force: true });
    this.byId.delete(id);
  }
}

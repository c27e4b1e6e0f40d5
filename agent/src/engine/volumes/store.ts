import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EngineError } from '../errors.ts';
import { treeSize } from './size.ts';
import {
  ANONYMOUS_LABEL,
  CreateVolumeRequest,
  type PruneResult,
  type VolumeInspect,
  type VolumeListFilters,
  VolumeMeta,
  VolumeName,
} from './types.ts';

/** Whether a container (running or not) refers to the volume; the container store answers. */
export type IsInUse = (name: string) => boolean | Promise<boolean>;
/** Told of each volume made or destroyed (Docker's volume create/destroy events). */
export type VolumeNotify = (action: 'create' | 'destroy', name: string) => void;

const LOCAL_OPTION_KEYS = new Set(['type', 'device', 'o']);
const TMP_PREFIX = '.tmp-';
const TRASH_PREFIX = '.trash-';

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Docker shows CreatedAt in local time with its offset, to the second. */
function rfc3339Seconds(d: Date): string {
  const off = -d.getTimezoneOffset();
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 19);
  return `${local}${off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`}`;
}

/**
 * Named volumes of the local driver: `<root>/<name>/_data` plus
 * `<root>/<name>/meta.json`. A volume appears and disappears with one rename
 * of its directory, so a crash never leaves half a volume under its name.
 */
export class VolumeStore {
  private constructor(
    readonly root: string,
    private readonly isInUse: IsInUse,
    private readonly notify: VolumeNotify,
  ) {}

  /** Opens the store, clearing what an interrupted create or remove left behind. */
  static async open(root: string, isInUse: IsInUse, notify: VolumeNotify = () => {}): Promise<VolumeStore> {
    await mkdir(root, { recursive: true });
    for (const name of await readdir(root)) {
      if (name.startsWith(TMP_PREFIX) || name.startsWith(TRASH_PREFIX)) {
        await rm(join(root, name), { recursive: true, force: true });
      }
    }
    return new VolumeStore(root, isInUse, notify);
  }

  dir(name: string): string {
    return join(this.root, name);
  }

  mountpoint(name: string): string {
    return join(this.root, name, '_data');
  }

  /** Creates a volume; an existing one of the same name is returned as it is, as Docker does. */
  async create(request: CreateVolumeRequest = {}): Promise<VolumeInspect> {
    const parsed = CreateVolumeRequest.safeParse(request);
    if (!parsed.success)
      throw new EngineError('invalid', `invalid volume request: ${z.prettifyError(parsed.error)}`);
    const req = parsed.data;
    const anonymous = req.name === undefined || req.name === '';
    const name = anonymous ? randomBytes(32).toString('hex') : (req.name ?? '');
    const valid = VolumeName.safeParse(name);
    if (!valid.success) {
      throw new EngineError(
        'invalid',
        `invalid volume name ${JSON.stringify(name)}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]+`,
      );
    }
    for (const key of Object.keys(req.options)) {
      if (!LOCAL_OPTION_KEYS.has(key))
        throw new EngineError('invalid', `invalid option key: ${JSON.stringify(key)}`);
    }
    if (Object.keys(req.options).length > 0) {
      throw new EngineError(
        'unavailable',
        'local volumes with mount options (type, device, o) are not supported yet',
      );
    }
    const existing = await this.readMeta(name);
    if (existing) return this.toInspect(existing);

    const meta: VolumeMeta = {
      name,
      driver: 'local',
      labels: anonymous ? { ...req.labels, [ANONYMOUS_LABEL]: '' } : req.labels,
      options: req.options,
      createdAt: rfc3339Seconds(new Date()),
    };
    const tmp = join(this.root, `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
    await mkdir(join(tmp, '_data'), { recursive: true, mode: 0o755 });
    await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta)}\n`);
    try {
      await rename(tmp, this.dir(name));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      // someone created it between our look and our rename: theirs stands
      if (errno(err) === 'ENOTEMPTY' || errno(err) === 'EEXIST') return this.inspect(name);
      throw new EngineError('internal', `creating volume ${name}: ${(err as Error).message}`, { cause: err });
    }
    this.notify('create', name);
    return this.toInspect(meta);
  }

  private async readMeta(name: string): Promise<VolumeMeta | undefined> {
    if (!VolumeName.safeParse(name).success) return undefined;
    let text: string;
    try {
      text = await readFile(join(this.dir(name), 'meta.json'), 'utf8');
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return undefined;
      throw err;
    }
    const meta = VolumeMeta.safeParse(JSON.parse(text));
    if (!meta.success) throw new EngineError('internal', `volume ${name}: damaged meta.json`);
    return meta.data;
  }

  private toInspect(meta: VolumeMeta): VolumeInspect {
    return {
      Name: meta.name,
      Driver: meta.driver,
      Mountpoint: this.mountpoint(meta.name),
      CreatedAt: meta.createdAt,
      Labels: meta.labels,
      Scope: 'local',
      Options: meta.options,
    };
  }

  async inspect(name: string): Promise<VolumeInspect> {
    const meta = await this.readMeta(name);
    if (!meta) throw new EngineError('not_found', `no such volume: ${name}`);
    return this.toInspect(meta);
  }

  async list(filters: VolumeListFilters = {}): Promise<VolumeInspect[]> {
    const out: VolumeInspect[] = [];
    for (const entry of (await readdir(this.root)).sort()) {
      if (entry.startsWith('.')) continue;
      const meta = await this.readMeta(entry);
      if (!meta || !(await this.matches(meta, filters))) continue;
      out.push(this.toInspect(meta));
    }
    return out;
  }

  private async matches(meta: VolumeMeta, f: VolumeListFilters): Promise<boolean> {
    if (f.name && f.name.length > 0 && !f.name.some((n) => meta.name.includes(n))) return false;
    if (f.driver && f.driver.length > 0 && !f.driver.includes(meta.driver)) return false;
    for (const l of f.label ?? []) {
      const eq = l.indexOf('=');
      const key = eq === -1 ? l : l.slice(0, eq);
      if (!(key in meta.labels)) return false;
      if (eq !== -1 && meta.labels[key] !== l.slice(eq + 1)) return false;
    }
    if (f.dangling !== undefined && (await this.isInUse(meta.name)) === f.dangling) return false;
    return true;
  }

  /**
   * Removes a volume and its data. A volume a container uses is refused unless
   * `force`; a missing one is not_found unless `force`. (Docker's own force
   * only forgives the missing volume: the Docker API adapter passes force only
   * for that case.)
   */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    const meta = await this.readMeta(name);
    if (!meta) {
      if (opts.force) return;
      throw new EngineError('not_found', `no such volume: ${name}`);
    }
    if (!opts.force && (await this.isInUse(name))) {
      throw new EngineError('conflict', `volume ${name} is in use`);
    }
    await this.discard(name);
  }

  private async discard(name: string): Promise<void> {
    const trash = join(this.root, `${TRASH_PREFIX}${randomBytes(8).toString('hex')}`);
    try {
      await rename(this.dir(name), trash);
    } catch (err) {
      if (errno(err) === 'ENOENT') return;
      throw new EngineError('internal', `removing volume ${name}: ${(err as Error).message}`, { cause: err });
    }
    this.notify('destroy', name);
    await rm(trash, { recursive: true, force: true });
  }

  /**
   * Removes every volume no container uses. `anonymousOnly` is what Docker
   * API 1.42+ does without the `all` filter; labels narrow it as `label=` does.
   */
  async prune(opts: { anonymousOnly?: boolean; label?: string[] } = {}): Promise<PruneResult> {
    const result: PruneResult = { VolumesDeleted: [], SpaceReclaimed: 0 };
    const candidates = await this.list({ dangling: true, label: opts.label ?? [] });
    for (const v of candidates) {
      if (opts.anonymousOnly && !(ANONYMOUS_LABEL in v.Labels)) continue;
      // checked again right before removal: a container may have taken it meanwhile
      if (await this.isInUse(v.Name)) continue;
      const size = await treeSize(v.Mountpoint);
      await this.discard(v.Name);
      result.VolumesDeleted.push(v.Name);
      result.SpaceReclaimed += size;
    }
    return result;
  }

  /** Bytes under the volume's _data, for `docker system df`. */
  async size(name: string): Promise<number> {
    await this.inspect(name);
    return treeSize(this.mountpoint(name));
  }

  /** Every volume with its size and whether it is in use (`docker system df -v`). */
  async usage(): Promise<{ volume: VolumeInspect; sizeBytes: number; inUse: boolean }[]> {
    const out: { volume: VolumeInspect; sizeBytes: number; inUse: boolean }[] = [];
    for (const volume of await this.list()) {
      out.push({
        volume,
        sizeBytes: await treeSize(volume.Mountpoint),
        inUse: await this.isInUse(volume.Name),
      });
    }
    return out;
  }
}

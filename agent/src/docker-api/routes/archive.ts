import {
  chmodSync,
  copyFileSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  rmSync,
  type Stats,
  statSync,
  symlinkSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { applyLayer } from '../../engine/archive/apply-layer.ts';
import { packTree, type TreeEntry, walkDir } from '../../engine/archive/pack-tree.ts';
import type { ContainerFs } from '../../engine/containers/container-fs.ts';
import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { walkMerged } from '../../engine/snapshots/merged-walk.ts';
import { nativeHelperPath } from '../../native/helper-path.ts';
import { queryFlag } from '../respond.ts';
import type { Router } from '../router.ts';
import { drained, uploadBody } from '../upload.ts';

/** Go's os.FileMode bits, which the docker CLI reads from the stat header. */
function goFileMode(st: Stats): number {
  // arithmetic, not bitwise: the high bits do not fit JavaScript's signed 32-bit operators
  const bits: [boolean, number][] = [
    [st.isDirectory(), 2 ** 31],
    [st.isSymbolicLink(), 2 ** 27],
    [st.isBlockDevice() || st.isCharacterDevice(), 2 ** 26],
    [st.isFIFO(), 2 ** 25],
    [st.isSocket(), 2 ** 24],
    [(st.mode & 0o4000) !== 0, 2 ** 23],
    [(st.mode & 0o2000) !== 0, 2 ** 22],
    [st.isCharacterDevice(), 2 ** 21],
    [(st.mode & 0o1000) !== 0, 2 ** 20],
  ];
  return bits.reduce((mode, [set, bit]) => (set ? mode + bit : mode), st.mode & 0o777);
}

function locate(fs: ContainerFs, path: string, followLast: boolean, container: string) {
  const components = fs.resolve(path, followLast);
  // the root itself: /proc/<pid>/root is a (magic) link, so stat, not lstat
  const found =
    components.length === 0
      ? { abs: fs.layers[0]!.dir, st: statSync(fs.layers[0]!.dir) }
      : fs.lookup(components);
  if (!found) throw new EngineError('not_found', `Could not find the file ${path} in container ${container}`);
  return { components, ...found };
}

function statHeader(path: string, found: { abs: string; st: Stats }): string {
  const name = path.split('/').filter(Boolean).pop() ?? '/';
  const stat = {
    name,
    size: found.st.size,
    mode: goFileMode(found.st),
    mtime: found.st.mtime.toISOString(),
    linkTarget: found.st.isSymbolicLink() ? readlinkSync(found.abs) : '',
  };
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

/** Copies an extracted tree into the container at `base`, never through a symlink already there. */
function copyInto(extracted: string, base: string, keepOwners: boolean, allowDirOverNonDir: boolean): void {
  for (const entry of walkDir(extracted)) {
    const dst = join(base, entry.rel);
    let existing: Stats | undefined;
    try {
      existing = lstatSync(dst);
    } catch {
      existing = undefined;
    }
    if (entry.st.isDirectory()) {
      if (existing && !existing.isDirectory()) {
        if (!allowDirOverNonDir)
          throw new EngineError('invalid', `cannot overwrite non-directory ${entry.rel} with a directory`);
        rmSync(dst, { force: true });
        existing = undefined;
      }
      if (!existing) mkdirSync(dst);
    } else {
      if (existing?.isDirectory())
        throw new EngineError('invalid', `cannot overwrite directory ${entry.rel} with a non-directory`);
      if (existing) rmSync(dst, { force: true }); // a symlink or whiteout there is replaced, not followed
      if (entry.st.isSymbolicLink()) symlinkSync(readlinkSync(entry.abs), dst);
      else copyFileSync(entry.abs, dst);
    }
    lchownSync(dst, keepOwners ? entry.st.uid : 0, keepOwners ? entry.st.gid : 0);
    if (!entry.st.isSymbolicLink()) chmodSync(dst, entry.st.mode & 0o7777);
  }
}

/** `docker cp`: HEAD/GET read a path out of a container as tar, PUT extracts a tar into a directory. */
export function archiveRoutes(router: Router, engine: Engine): void {
  const { containers } = engine;

  router.on('GET', '/containers/:id/archive', async ({ req, res, params, query }) => {
    const record = containers.get(params.id!);
    const path = query.get('path');
    if (!path) throw new EngineError('invalid', 'a path is required');
    const fs = await containers.filesystem(record.id);
    const found = locate(fs, path, false, record.name);
    res.setHeader('X-Docker-Container-Path-Stat', statHeader(path, found));
    if (req.method === 'HEAD') {
      res.writeHead(200).end();
      return;
    }
    const base = path.split('/').filter(Boolean).pop() ?? '.';
    const prefix = found.components.join('/');
    const children: Iterable<TreeEntry> = !found.st.isDirectory()
      ? []
      : fs.live
        ? walkDir(found.abs)
        : walkMerged(fs.layers, prefix);
    const entries = function* (): Generator<TreeEntry> {
      yield { rel: base, abs: found.abs, st: found.st };
      for (const child of children) {
        const rel = fs.live || prefix === '' ? child.rel : child.rel.slice(prefix.length + 1);
        yield { ...child, rel: `${base}/${rel}` };
      }
    };
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    for await (const chunk of packTree(entries(), { ociWhiteouts: false })) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  });

  router.on('PUT', '/containers/:id/archive', async ({ req, res, params, query }) => {
    const record = containers.get(params.id!);
    const path = query.get('path');
    if (!path) throw new EngineError('invalid', 'a path is required');
    const fs = await containers.filesystem(record.id);
    const target = locate(fs, path, true, record.name);
    if (!target.st.isDirectory())
      throw new EngineError('invalid', `extraction point is not a directory: ${path}`);
    // into the live root, or into the upper dir of a stopped container (parents made as needed)
    const base = fs.live ? target.abs : join(fs.layers[0]!.dir, ...target.components);
    if (!fs.live) mkdirSync(base, { recursive: true, mode: target.st.mode & 0o7777 });
    const scratch = await mkdtemp(join(engine.layout.root, '.cp-'));
    try {
      // the layer unpacker refuses entries that escape, device nodes and links outside
      await applyLayer(scratch, uploadBody(req), {
        helperPath: nativeHelperPath,
        devicePolicy: 'refuse',
      }).catch((err) => drained(req, err));
      copyInto(scratch, base, queryFlag(query, 'copyUIDGID'), !queryFlag(query, 'noOverwriteDirNonDir'));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    res.writeHead(200).end();
  });
}

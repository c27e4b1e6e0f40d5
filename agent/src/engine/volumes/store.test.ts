import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isEngineError } from '../errors.ts';
import { populateFromImage } from './populate.ts';
import { VolumeStore } from './store.ts';
import { ANONYMOUS_LABEL } from './types.ts';

const root = mkdtempSync(join(tmpdir(), 'berth-volumes-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
async function fresh(inUse: string[] = []) {
  return VolumeStore.open(join(root, `s${seq++}`), (n) => inUse.includes(n));
}

test('create, inspect in Docker shape, idempotent create', async () => {
  const s = await fresh();
  const v = await s.create({ name: 'data', labels: { app: 'web' } });
  assert.deepEqual(Object.keys(v).sort(), [
    'CreatedAt',
    'Driver',
    'Labels',
    'Mountpoint',
    'Name',
    'Options',
    'Scope',
  ]);
  assert.equal(v.Name, 'data');
  assert.equal(v.Driver, 'local');
  assert.equal(v.Scope, 'local');
  assert.equal(v.Mountpoint, join(s.root, 'data', '_data'));
  assert.ok(statSync(v.Mountpoint).isDirectory());
  assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  assert.deepEqual(v.Labels, { app: 'web' });
  assert.deepEqual(v.Options, {});
  assert.deepEqual(await s.inspect('data'), v);
  assert.deepEqual(await s.create({ name: 'data' }), v, 'an existing name returns the existing volume');
});

test('names are validated like Docker; anonymous volumes get a 64-hex name and a label', async () => {
  const s = await fresh();
  for (const bad of ['a', '-x', 'a/b', '../x', 'x y', '.hidden']) {
    await assert.rejects(s.create({ name: bad }), (e) => isEngineError(e, 'invalid'), bad);
  }
  await s.create({ name: 'A1_b.c-d' });
  const anon = await s.create({});
  assert.match(anon.Name, /^[0-9a-f]{64}$/);
  assert.equal(anon.Labels[ANONYMOUS_LABEL], '');
  await assert.rejects(s.create({ name: 'opt', options: { bogus: '1' } }), (e) =>
    isEngineError(e, 'invalid'),
  );
  await assert.rejects(s.create({ name: 'opt', options: { type: 'tmpfs' } }), (e) =>
    isEngineError(e, 'unavailable'),
  );
  await assert.rejects(s.inspect('nope'), (e) => isEngineError(e, 'not_found'));
  await assert.rejects(s.inspect('../etc'), (e) => isEngineError(e, 'not_found'));
});

test('list filters: name, label, dangling, driver', async () => {
  const s = await fresh(['used']);
  await s.create({ name: 'used', labels: { tier: 'db', keep: '' } });
  await s.create({ name: 'free', labels: { tier: 'web' } });
  await s.create({ name: 'other' });
  const names = async (f: Parameters<VolumeStore['list']>[0]) => (await s.list(f)).map((v) => v.Name);
  assert.deepEqual(await names({}), ['free', 'other', 'used']);
  assert.deepEqual(await names({ name: ['re', 'us'] }), ['free', 'used']);
  assert.deepEqual(await names({ label: ['tier'] }), ['free', 'used']);
  assert.deepEqual(await names({ label: ['tier=db'] }), ['used']);
  assert.deepEqual(await names({ label: ['tier', 'keep'] }), ['used']);
  assert.deepEqual(await names({ dangling: true }), ['free', 'other']);
  assert.deepEqual(await names({ dangling: false }), ['used']);
  assert.deepEqual(await names({ driver: ['nfs'] }), []);
});

test('remove refuses a volume in use unless forced; missing is not_found unless forced', async () => {
  const s = await fresh(['busy']);
  await s.create({ name: 'busy' });
  await s.create({ name: 'idle' });
  await assert.rejects(s.remove('busy'), (e) => isEngineError(e, 'conflict'));
  await s.remove('idle');
  assert.equal(existsSync(s.dir('idle')), false);
  await assert.rejects(s.remove('idle'), (e) => isEngineError(e, 'not_found'));
  await s.remove('idle', { force: true });
  await s.remove('busy', { force: true });
  assert.deepEqual(await s.list(), []);
  assert.deepEqual(readdirSync(s.root), [], 'no trash left behind');
});

test('prune removes unused volumes and reports the bytes', async () => {
  const s = await fresh(['used']);
  await s.create({ name: 'used' });
  const a = await s.create({ name: 'aa' });
  const anon = await s.create({});
  writeFileSync(join(a.Mountpoint, 'f'), Buffer.alloc(1000));
  writeFileSync(join(anon.Mountpoint, 'g'), Buffer.alloc(24));
  linkSync(join(anon.Mountpoint, 'g'), join(anon.Mountpoint, 'g2'));
  assert.equal(await s.size('aa'), 1000);
  assert.equal(await s.size(anon.Name), 24, 'hard links count once');
  const onlyAnon = await s.prune({ anonymousOnly: true });
  assert.deepEqual(onlyAnon, { VolumesDeleted: [anon.Name], SpaceReclaimed: 24 });
  const rest = await s.prune();
  assert.deepEqual(rest, { VolumesDeleted: ['aa'], SpaceReclaimed: 1000 });
  assert.deepEqual(
    (await s.usage()).map((u) => [u.volume.Name, u.sizeBytes, u.inUse]),
    [['used', 0, true]],
  );
});

test('open clears leftovers of an interrupted create or remove', async () => {
  const dir = join(root, 'leftovers');
  mkdirSync(join(dir, '.tmp-abc', '_data'), { recursive: true });
  mkdirSync(join(dir, '.trash-abc'), { recursive: true });
  const s = await VolumeStore.open(dir, () => false);
  assert.deepEqual(readdirSync(dir), []);
  assert.deepEqual(await s.list(), []);
});

test('populateFromImage copies modes, owners, times, symlinks and hard links into an empty volume only', {
  skip: process.getuid?.() !== 0 && 'needs root to chown',
}, async () => {
  const s = await fresh();
  const src = mkdtempSync(join(root, 'image-'));
  mkdirSync(join(src, 'sub'));
  writeFileSync(join(src, 'sub', 'conf'), 'hello');
  chmodSync(join(src, 'sub', 'conf'), 0o640);
  writeFileSync(join(src, 'tool'), '#!/bin/sh\n');
  chownSync(join(src, 'tool'), 0, 0);
  chmodSync(join(src, 'tool'), 0o4755);
  linkSync(join(src, 'sub', 'conf'), join(src, 'conf-link'));
  symlinkSync('sub/conf', join(src, 'rel'));
  symlinkSync('/etc/does-not-exist', join(src, 'dangling'));
  chownSync(join(src, 'sub'), 1234, 5678);
  chmodSync(join(src, 'sub'), 0o710);
  chmodSync(src, 0o1777);
  chownSync(src, 42, 43);

  const v = await s.create({ name: 'pop' });
  const r = await populateFromImage(s, 'pop', src);
  assert.deepEqual(r, { copied: true, skipped: [] });
  const m = v.Mountpoint;
  assert.equal(readFileSync(join(m, 'sub', 'conf'), 'utf8'), 'hello');
  assert.equal(statSync(join(m, 'sub', 'conf')).mode & 0o7777, 0o640);
  assert.equal(statSync(join(m, 'tool')).mode & 0o7777, 0o4755, 'setuid survives the chown');
  assert.equal(statSync(join(m, 'sub')).mode & 0o7777, 0o710);
  assert.equal(statSync(join(m, 'sub')).uid, 1234);
  assert.equal(statSync(join(m, 'sub')).gid, 5678);
  assert.equal(statSync(m).mode & 0o7777, 0o1777, 'the volume root takes the image dir mode');
  assert.equal(statSync(m).uid, 42);
  assert.equal(readlinkSync(join(m, 'rel')), 'sub/conf');
  assert.equal(readlinkSync(join(m, 'dangling')), '/etc/does-not-exist');
  assert.equal(statSync(join(m, 'conf-link')).ino, statSync(join(m, 'sub', 'conf')).ino, 'hard link kept');
  const mtimeDrift = statSync(join(m, 'sub', 'conf')).mtimeMs - statSync(join(src, 'sub', 'conf')).mtimeMs;
  assert.ok(Math.abs(mtimeDrift) < 0.01, `mtime drifted by ${mtimeDrift} ms`);
  assert.deepEqual(readdirSync(s.dir('pop')).sort(), ['_data', 'meta.json'], 'no scratch dir left');

  // not empty any more: a second populate copies nothing
  writeFileSync(join(src, 'new'), 'x');
  assert.deepEqual(await populateFromImage(s, 'pop', src), { copied: false, skipped: [] });
  assert.equal(existsSync(join(m, 'new')), false);
  // a missing image path copies nothing; a file there is refused
  const empty = await s.create({ name: 'empty' });
  assert.equal((await populateFromImage(s, 'empty', join(src, 'missing'))).copied, false);
  await assert.rejects(populateFromImage(s, 'empty', join(src, 'tool')), (e) => isEngineError(e, 'invalid'));
  assert.deepEqual(readdirSync(empty.Mountpoint), []);
  await assert.rejects(populateFromImage(s, 'nope', src), (e) => isEngineError(e, 'not_found'));
  assert.ok(lstatSync(join(m, 'dangling')).isSymbolicLink());
});

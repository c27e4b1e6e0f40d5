import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isEngineError } from '../errors.ts';
import { helperPath, overlayTestKit } from '../snapshots/testing/overlay-test-kit.ts';
import { FsopsBatch, scanOpaqueDirs } from './fsops-batch.ts';

describe('berth-runtime fsops (one spawn per batch)', () => {
  const kit = overlayTestKit();
  after(() => kit.cleanup());

  it('creates whiteouts, device nodes, fifos, opaque dirs and xattrs, and scans opaque dirs back', async () => {
    const root = join(kit.root, 'ok');
    mkdirSync(join(root, 'a/b'), { recursive: true });
    const batch = new FsopsBatch(root, helperPath);
    batch.whiteout('a/gone');
    batch.mknod('a/null', 'c', 1, 3, 0o666);
    batch.mknod('a/fifo', 'p', 0, 0, 0o640);
    batch.opaque('a/b');
    batch.opaque('');
    batch.setxattr('a/b', 'user.berthtest', Buffer.from([0, 1, 255]));
    assert.equal(batch.size, 6);
    await batch.run();
    assert.equal(lstatSync(join(root, 'a/gone')).rdev, 0);
    assert.ok(lstatSync(join(root, 'a/gone')).isCharacterDevice());
    assert.equal(lstatSync(join(root, 'a/null')).rdev, (1 << 8) | 3);
    assert.equal(lstatSync(join(root, 'a/null')).mode & 0o777, 0o666, 'mode survives the umask');
    assert.equal(lstatSync(join(root, 'a/fifo')).mode & 0o777, 0o640);
    assert.deepEqual((await scanOpaqueDirs(helperPath(), root)).sort(), ['', 'a/b']);
    assert.deepEqual(await scanOpaqueDirs(helperPath(), root, 'a'), ['a/b']);
  });

  it('never follows a symlink or leaves ROOT, and names the failing path', async () => {
    const root = join(kit.root, 'evil');
    mkdirSync(root);
    symlinkSync('/tmp', join(root, 'link'));
    for (const path of ['link/berthtest-x', '../berthtest-x', '/tmp/berthtest-x']) {
      const batch = new FsopsBatch(root, helperPath);
      batch.whiteout(path);
      await assert.rejects(batch.run(), (e) => isEngineError(e, 'internal') && e.message.includes(path));
    }
    assert.throws(
      () => new FsopsBatch(root, helperPath).opaque('a\0b'),
      (e) => isEngineError(e, 'invalid'),
    );
  });
});

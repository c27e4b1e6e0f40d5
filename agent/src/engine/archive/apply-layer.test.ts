import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { helperPath, overlayTestKit } from '../snapshots/testing/overlay-test-kit.ts';
import { applyLayer } from './apply-layer.ts';
import { packTree, walkDir } from './pack-tree.ts';

/** type, mode, owner, size, mtime, link target, content hash and hardlink group of every path */
function describeTree(root: string): string[] {
  const inodes = new Map<number, string>();
  const out: string[] = [];
  for (const e of walkDir(root)) {
    const st = e.st;
    let extra = '';
    if (st.isSymbolicLink()) extra = `-> ${readlinkSync(e.abs)}`;
    else if (st.isFile()) {
      const first = inodes.get(st.ino);
      extra = first
        ? `= ${first}`
        : createHash('sha256').update(readFileSync(e.abs)).digest('hex').slice(0, 12);
      if (!first) inodes.set(st.ino, e.rel);
    }
    const mtime = st.isDirectory() || st.isSymbolicLink() ? '' : Math.floor(st.mtimeMs / 1000);
    out.push(
      `${e.rel} ${(st.mode & 0o177777).toString(8)} ${st.uid}:${st.gid} ${st.isFile() ? st.size : ''} ${mtime} ${extra}`,
    );
  }
  return out;
}

function xattr(path: string, name: string): string {
  return execFileSync(
    'python3',
    [
      '-c',
      'import os,sys; print(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).hex())',
      path,
      name,
    ],
    {
      encoding: 'utf8',
    },
  ).trim();
}

describe('applyLayer against GNU tar', () => {
  const kit = overlayTestKit();
  const src = join(kit.root, 'src');
  let n = 0;
  before(() => {
    const long = 'd'.repeat(60);
    mkdirSync(join(src, long, long, long), { recursive: true });
    writeFileSync(join(src, long, long, long, `${'f'.repeat(120)}.txt`), 'deep and long\n');
    writeFileSync(join(src, 'setuid'), '#!/bin/sh\n');
    chmodSync(join(src, 'setuid'), 0o4755);
    writeFileSync(join(src, 'owned'), 'x'.repeat(5000));
    chownSync(join(src, 'owned'), 1234, 5678);
    linkSync(join(src, 'owned'), join(src, 'hardlink'));
    symlinkSync('/etc/passwd', join(src, 'abs-link'));
    symlinkSync(`${long}/${long}/${'l'.repeat(150)}`, join(src, 'long-link'));
    writeFileSync(join(src, 'ünïcödé ñame'), 'u');
    mkdirSync(join(src, 'empty'), { mode: 0o700 });
    execFileSync('mkfifo', [join(src, 'fifo')]);
    writeFileSync(join(src, 'with-xattr'), 'x');
    execFileSync(helperPath(), ['fsops', src], { input: 'setxattr\0with-xattr\0user.berthtest\x000102ff\0' });
    for (const f of readdirSync(src))
      if (!f.endsWith('link')) utimesSync(join(src, f), 1_600_000_000, 1_600_000_000);
  });
  after(() => kit.cleanup());

  for (const [name, args] of [
    ['gnu', ['--format=gnu']],
    ['pax with xattrs', ['--format=pax', '--xattrs', '--xattrs-include=user.*']],
    ['pax gzip', ['--format=pax', '-z']],
  ] as const) {
    it(`unpacks ${name} archives exactly as tar wrote them`, async () => {
      const tarball = execFileSync('tar', ['-C', src, ...args, '-cf', '-', '.'], { maxBuffer: 1 << 26 });
      const target = join(kit.root, `out${n++}`);
      mkdirSync(target);
      const result = await applyLayer(target, Readable.from([tarball]), { helperPath });
      assert.deepEqual(describeTree(target), describeTree(src));
      if (name === 'pax with xattrs')
        assert.equal(xattr(join(target, 'with-xattr'), 'user.berthtest'), '0102ff');
      if (name !== 'pax gzip')
        assert.equal(result.diffId, `sha256:${createHash('sha256').update(tarball).digest('hex')}`);
      assert.ok(lstatSync(join(target, 'fifo')).isFIFO());
    });
  }

  it('writes layers GNU tar reads back identically (pack → tar -x)', async () => {
    const chunks: Buffer[] = [];
    for await (const c of packTree(walkDir(src), { ociWhiteouts: true })) chunks.push(c);
    const target = join(kit.root, 'tar-x');
    mkdirSync(target);
    execFileSync('tar', ['-C', target, '--xattrs', '--same-owner', '-xpf', '-'], {
      input: Buffer.concat(chunks),
    });
    assert.deepEqual(describeTree(target), describeTree(src));
  });

  it('refuses truncated and corrupt archives as invalid input', async () => {
    const tarball = execFileSync('tar', ['-C', src, '-cf', '-', 'owned']);
    for (const bad of [tarball.subarray(0, 700), Buffer.concat([Buffer.from('garbage'), tarball])]) {
      const target = join(kit.root, `bad${n++}`);
      mkdirSync(target);
      await assert.rejects(applyLayer(target, Readable.from([bad]), { helperPath }), (e: Error) =>
        /malformed|truncated/.test(e.message),
      );
    }
  });
});

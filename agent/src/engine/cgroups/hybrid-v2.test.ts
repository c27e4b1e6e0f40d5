import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { removeTree } from './fs.ts';
import { detectHost } from './mounts.ts';
import { exited, killChild, spawnIn, testParent } from './testing.ts';
import { V2Group } from './v2.ts';

// The kernel side of V2Group that needs no controller (freeze, kill,
// membership) runs on any cgroup2 mount, the hybrid host's included.
const host = await detectHost().catch(() => undefined);
const v2 = host?.v2;
const skip = process.getuid?.() !== 0 || v2 === undefined ? 'needs root and a cgroup2 mount' : false;

describe('V2Group on the real cgroup2 mount', { skip }, () => {
  const parent = join(v2?.selfDir ?? '/nonexistent', testParent());
  const children: ReturnType<typeof spawnIn>[] = [];
  after(async () => {
    for (const c of children) killChild(c);
    await removeTree(parent);
  });

  test('cgroup.freeze stops a busy loop; cgroup.kill ends it and its forks', async () => {
    mkdirSync(parent);
    const g = new V2Group(join(parent, 'c'));
    mkdirSync(g.dir);
    const cg = { procsFiles: () => g.procsFiles() } as Parameters<typeof spawnIn>[0];
    const child = spawnIn(cg, 'sleep 30 & while :; do :; done');
    children.push(child);
    await sleep(200);
    const usage = async () => (await g.stats()).cpu.usageNs;
    await g.freeze();
    const a = await usage();
    await sleep(300);
    assert.ok((await usage()) - a < 5e6);
    await g.thaw();
    await sleep(300);
    assert.ok((await usage()) - a > 20e6);
    await g.kill();
    assert.equal((await exited(child)).signal, 'SIGKILL');
    await removeTree(g.dir);
    assert.equal(existsSync(g.dir), false);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseUsernsRemap } from './userns-remap.ts';

const dir = mkdtempSync(join(tmpdir(), 'berthtest-subuid-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const subuid = join(dir, 'subuid');
const subgid = join(dir, 'subgid');
writeFileSync(subuid, 'alice:100000:65536\ndockremap:300000:65536\n');
writeFileSync(subgid, 'dockremap:400000:70000\nstaff:500000:65536\n');
const files = { subuid, subgid };

test('--userns-remap values as dockerd reads them, and Berth’s HOSTID:SIZE', () => {
  assert.deepEqual(parseUsernsRemap('default', files), {
    uid: { hostID: 300000, size: 65536 },
    gid: { hostID: 400000, size: 70000 },
  });
  assert.deepEqual(parseUsernsRemap('dockremap:staff', files).gid, { hostID: 500000, size: 65536 });
  assert.deepEqual(parseUsernsRemap('200000:65536', files), {
    uid: { hostID: 200000, size: 65536 },
    gid: { hostID: 200000, size: 65536 },
  });
});

test('a missing range or a malformed value is refused with what to do', () => {
  assert.throws(
    () => parseUsernsRemap('alice', files),
    /no subordinate range for "alice" in .*subgid \(add a line such as alice:100000:65536\)/,
  );
  assert.throws(() => parseUsernsRemap('0:65536', files), /invalid --userns-remap 0:65536/);
  assert.throws(() => parseUsernsRemap('a b', files), /default, USER\[:GROUP\] or HOSTID:SIZE/);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgressFormatter, formatProgressError, humanSize, progressBar } from './progress-lines.ts';

describe('Docker JSON progress lines', () => {
  it('writes each event as the line dockerd would', () => {
    const f = createProgressFormatter();
    const line = (e: Parameters<typeof f.format>[0]) => f.format(e).map((l) => JSON.parse(l));
    assert.deepEqual(line({ kind: 'start', action: 'pull', repository: 'library/busybox', tag: 'latest' }), [
      { status: 'Pulling from library/busybox', id: 'latest' },
    ]);
    assert.deepEqual(line({ kind: 'layer', id: 'a3ed95caeb02', status: 'Pulling fs layer' }), [
      { status: 'Pulling fs layer', progressDetail: {}, id: 'a3ed95caeb02' },
    ]);
    assert.deepEqual(
      line({
        kind: 'layer',
        id: 'a3ed95caeb02',
        status: 'Downloading',
        current: 1_105_920,
        total: 2_221_511,
      }),
      [
        {
          status: 'Downloading',
          progressDetail: { current: 1_105_920, total: 2_221_511 },
          progress: `[========================>${' '.repeat(26)}]  1.106MB/2.222MB`,
          id: 'a3ed95caeb02',
        },
      ],
    );
    assert.deepEqual(line({ kind: 'digest', digest: 'sha256:abc' }), [{ status: 'Digest: sha256:abc' }]);
    assert.deepEqual(line({ kind: 'done', action: 'pull', upToDate: false, reference: 'busybox:latest' }), [
      { status: 'Status: Downloaded newer image for busybox:latest' },
    ]);
    assert.deepEqual(line({ kind: 'done', action: 'pull', upToDate: true, reference: 'busybox:latest' }), [
      { status: 'Status: Image is up to date for busybox:latest' },
    ]);
    assert.deepEqual(line({ kind: 'start', action: 'push', repository: 'localhost:5000/x', tag: '1' }), [
      { status: 'The push refers to repository [localhost:5000/x]' },
    ]);
    assert.deepEqual(line({ kind: 'pushed', tag: '1', digest: 'sha256:abc', size: 527 }), [
      { status: '1: digest: sha256:abc size: 527' },
      { progressDetail: {}, aux: { Tag: '1', Digest: 'sha256:abc', Size: 527 } },
    ]);
    assert.deepEqual(JSON.parse(formatProgressError(new Error('boom'))), {
      errorDetail: { message: 'boom' },
      error: 'boom',
    });
  });

  it('throttles byte counts per layer but passes status changes and the last count', () => {
    let t = 0;
    const f = createProgressFormatter({ intervalMs: 100, now: () => t });
    let lines = 0;
    for (let i = 1; i <= 1000; i++) {
      t = i; // 1000 updates over one second
      lines += f.format({
        kind: 'layer',
        id: 'x',
        status: 'Downloading',
        current: i * 1000,
        total: 1_000_000,
      }).length;
    }
    assert.ok(lines <= 12, `${lines} lines`);
    assert.equal(f.format({ kind: 'layer', id: 'x', status: 'Download complete' }).length, 1);
    assert.equal(f.format({ kind: 'layer', id: 'x', status: 'Extracting', current: 1, total: 2 }).length, 1);
  });

  it('spells sizes and bars as go-units and moby do', () => {
    assert.equal(humanSize(512), '512B');
    assert.equal(humanSize(32_768), '32.77kB');
    assert.equal(humanSize(2_100_000), '2.1MB');
    assert.equal(progressBar(0, 100), `[>${' '.repeat(50)}]       0B/100B`);
    assert.equal(progressBar(100, 100), `[${'='.repeat(50)}>]     100B/100B`);
    assert.equal(progressBar(5000, undefined), '     5kB');
  });
});

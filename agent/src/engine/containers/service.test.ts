import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type Engine, openEngine } from '../engine.ts';
import { isEngineError } from '../errors.ts';
import { busyboxArchive } from '../images/testing/busybox-image.ts';
import { readLogs } from '../logs/index.ts';
import { testNetworkOptions } from '../network/testing.ts';

/** Real containers: real namespaces, overlay, cgroups, through the engine's wiring. */
describe('container lifecycle', () => {
  let dir: string;
  let engine: Engine;
  const cgroupParent = `berthtest-${randomBytes(4).toString('hex')}`;
  const network = testNetworkOptions();

  before(async () => {
    // short: the monitor's socket path (tasks/<64 hex>/sock) must fit a sockaddr_un
    dir = await mkdtemp('/tmp/berthtest-');
    engine = await openEngine({ dataRoot: dir, cgroupParent, network });
    await engine.images.load(Readable.from([busyboxArchive().archive]));
  });
  after(async () => {
    for (const c of engine?.containers.list() ?? [])
      await engine.containers.remove(c.id, { force: true }).catch(() => {});
    await engine?.networks.teardown().catch(() => {});
    await engine?.cgroups.removeParent().catch(() => {});
    if (engine) await rm(dirname(engine.layout.tasks), { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (cmd: string[], extra: Record<string, unknown> = {}) => {
    const record = await engine.containers.create({ image: 'busybox', cmd, ...extra });
    const exited = engine.containers.waitForExit(record.id, 'next-exit');
    await engine.containers.start(record.id);
    return { id: record.id, exited };
  };

  const logLines = async (id: string) => {
    const out: string[] = [];
    for await (const entry of readLogs(engine.containers.get(id).logPath.replace(/\/[^/]+$/, ''), id)) {
      out.push(`${entry.stream}:${entry.line.trimEnd()}`);
    }
    return out;
  };

  test('a container runs as PID 1 with its own hostname, logs and exit code', async () => {
    const { id, exited } = await run(['sh', '-c', 'echo pid=$$; hostname; echo oops >&2; exit 3'], {
      hostname: 'berthtest-box',
    });
    await engine.containers.waitForExit(id);
    assert.equal(
      (await exited.catch(() => -1)) === 3 || engine.containers.get(id).state.exitCode === 3,
      true,
    );
    const record = engine.containers.get(id);
    assert.equal(record.state.status, 'exited');
    assert.equal(record.state.exitCode, 3);
    assert.deepEqual(await logLines(id), ['stdout:pid=1', 'stdout:berthtest-box', 'stderr:oops']);
  });

  test('a missing command exits 127 with Docker’s kind of message', async () => {
    const record = await engine.containers.create({ image: 'busybox', cmd: ['nope-not-here'] });
    await assert.rejects(engine.containers.start(record.id), /executable file not found/);
    assert.notEqual(engine.containers.get(record.id).state.status, 'running');
    await engine.containers.remove(record.id);
  });

  test('files written in one container are not seen by another nor in the image', async () => {
    const a = await run(['sh', '-c', 'echo secret > /tmp/berthtest-file']);
    await a.exited;
    const b = await run(['sh', '-c', 'test -e /tmp/berthtest-file && echo seen || echo unseen']);
    await b.exited;
    assert.deepEqual(await logLines(b.id), ['stdout:unseen']);
    const upper = engine.containers.get(a.id).graphDriver.upperDir;
    assert.equal((await readFile(join(upper, 'tmp/berthtest-file'), 'utf8')).trim(), 'secret');
  });

  test('stop sends the signal, then SIGKILL after the timeout', async () => {
    const { id } = await run(['sh', '-c', 'trap "" TERM; while true; do sleep 1; done']);
    const started = Date.now();
    await engine.containers.stop(id, 1);
    const record = engine.containers.get(id);
    assert.equal(record.state.status, 'exited');
    assert.equal(record.state.exitCode, 137);
    assert.ok(Date.now() - started >= 900, 'waited for the timeout');
  });

  test('pause freezes and unpause resumes; states are checked first', async () => {
    const { id } = await run(['sleep', '60']);
    await engine.containers.pause(id);
    assert.equal(engine.containers.get(id).state.status, 'paused');
    await assert.rejects(engine.containers.pause(id), (e) => isEngineError(e, 'conflict'));
    await assert.rejects(engine.containers.remove(id), /container is paused/);
    await engine.containers.unpause(id);
    await assert.rejects(engine.containers.start(id), (e) => isEngineError(e, 'not_modified'));
    await engine.containers.remove(id, { force: true });
    assert.throws(
      () => engine.containers.get(id),
      (e) => isEngineError(e, 'not_found'),
    );
  });

  test('names are unique and renames move them', async () => {
    const first = await engine.containers.create({ image: 'busybox', cmd: ['true'], name: 'berthtest-web' });
    await assert.rejects(
      engine.containers.create({ image: 'busybox', cmd: ['true'], name: 'berthtest-web' }),
      /already in use/,
    );
    await engine.containers.rename(first.id, 'berthtest-api');
    assert.equal(engine.containers.get('berthtest-api').id, first.id);
    await engine.containers.create({ image: 'busybox', cmd: ['true'], name: 'berthtest-web' });
  });

  test('a create that fails half-way removes the anonymous volume it made', async () => {
    const before = (await engine.volumes.list()).length;
    await assert.rejects(
      engine.containers.create({
        image: 'busybox',
        host: {
          mounts: [
            { type: 'volume', source: '', target: '/a' },
            { type: 'volume', source: 'bad name!', target: '/b' },
          ],
        },
      }),
      (e) => isEngineError(e, 'invalid'),
    );
    assert.equal((await engine.volumes.list()).length, before);
  });

  test('a missing image is a clear not_found and leaves nothing behind', async () => {
    const before = engine.containers.list().length;
    await assert.rejects(engine.containers.create({ image: 'berthtest-missing:1' }), (e) =>
      isEngineError(e, 'not_found'),
    );
    assert.equal(engine.containers.list().length, before);
  });
});

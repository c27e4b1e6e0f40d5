import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ExecStream, REPLAY_BYTES, TerminalSession, type Viewer } from './terminal-session.ts';

/** An exec stream driven by the test: push output, finish with an exit code; records input. */
function fakeStream() {
  const queue: { kind: string; data?: Buffer }[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let settle!: (r: { exitCode: number }) => void;
  const written: string[] = [];
  const resizes: [number, number][] = [];
  let cancelled = false;
  const finish = (exitCode: number) => {
    finished = true;
    settle({ exitCode });
    wake?.();
  };
  const stream: ExecStream = {
    result: new Promise((resolve) => {
      settle = resolve;
    }),
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = queue.shift();
        if (next) yield next;
        else if (finished) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async write(data) {
      written.push(data.toString());
    },
    resize(rows, cols) {
      resizes.push([rows, cols]);
    },
    cancel() {
      cancelled = true;
      finish(137);
    },
  };
  return {
    stream,
    written,
    resizes,
    cancelled: () => cancelled,
    push(text: string | Buffer) {
      queue.push({ kind: 'stdout', data: Buffer.from(text) });
      wake?.();
    },
    finish,
  };
}

function recordingViewer() {
  const frames: (string | Buffer)[] = [];
  const closes: number[] = [];
  const viewer: Viewer = { send: (f) => frames.push(f), close: (code) => closes.push(code) };
  const text = () =>
    frames
      .filter((f) => typeof f !== 'string')
      .map(String)
      .join('');
  const messages = () => frames.filter((f): f is string => typeof f === 'string').map((f) => JSON.parse(f));
  return { viewer, frames, closes, text, messages };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a viewer attaching later gets the output so far replayed, then live output with the others', async () => {
  const fake = fakeStream();
  const session = new TerminalSession('s1', 'h1', 'c1', 'u1', fake.stream);
  const first = recordingViewer();
  session.attach(first.viewer);
  fake.push('$ hostname\r\nbox\r\n');
  await tick();
  const second = recordingViewer();
  session.attach(second.viewer);
  assert.deepEqual(second.messages()[0], { type: 'attached', replayBytes: 17 });
  assert.equal(second.text(), '$ hostname\r\nbox\r\n');
  fake.push('$ ');
  await tick();
  assert.equal(first.text(), '$ hostname\r\nbox\r\n$ ');
  assert.equal(second.text(), '$ hostname\r\nbox\r\n$ ');
  assert.equal(session.viewerCount, 2);

  await session.input('echo hi\r');
  session.resize(120, 40);
  assert.deepEqual(fake.written, ['echo hi\r']);
  assert.deepEqual(fake.resizes, [[40, 120]]);
  session.detach(first.viewer);
  fake.finish(0);
  await session.ended;
  assert.deepEqual(second.messages().at(-1), { type: 'exit', exitCode: 0 });
  assert.deepEqual(second.closes, [1000]);
  assert.deepEqual(first.closes, []);
});

test('a reload after the process ended still shows its output and how it ended', async () => {
  const fake = fakeStream();
  const session = new TerminalSession('s2', 'h1', 'c1', 'u1', fake.stream);
  fake.push('bye\r\n');
  fake.finish(3);
  await session.ended;
  const late = recordingViewer();
  session.attach(late.viewer);
  assert.equal(late.text(), 'bye\r\n');
  assert.deepEqual(late.messages(), [
    { type: 'attached', replayBytes: 5 },
    { type: 'exit', exitCode: 3 },
  ]);
  assert.deepEqual(late.closes, [1000]);
});

test('close ends the process for every viewer', async () => {
  const fake = fakeStream();
  const session = new TerminalSession('s3', 'h1', 'c1', 'u1', fake.stream);
  const viewer = recordingViewer();
  session.attach(viewer.viewer);
  await session.close();
  assert.ok(fake.cancelled());
  assert.equal(session.running, false);
  assert.deepEqual(viewer.messages().at(-1), { type: 'exit', exitCode: 137 });
});

test('a session nobody views for the idle time is ended; a viewer keeps it alive', async () => {
  const fake = fakeStream();
  const session = new TerminalSession('s4', 'h1', 'c1', 'u1', fake.stream, 30);
  const viewer = recordingViewer();
  session.attach(viewer.viewer);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(session.running, true);
  session.detach(viewer.viewer);
  const keepAlive = setInterval(() => {}, 1000); // the idle timer is unref'd, as in the server
  await session.ended;
  clearInterval(keepAlive);
  assert.ok(fake.cancelled());
});

test('the replay keeps the newest output within its cap', async () => {
  const fake = fakeStream();
  const session = new TerminalSession('s5', 'h1', 'c1', 'u1', fake.stream);
  const chunk = Buffer.alloc(64 * 1024, 'a');
  for (let i = 0; i < 6; i++) fake.push(chunk);
  fake.push('tail');
  await tick();
  const viewer = recordingViewer();
  session.attach(viewer.viewer);
  const replayed = viewer.text();
  assert.ok(replayed.length <= REPLAY_BYTES + 4, `replayed ${replayed.length}`);
  assert.ok(replayed.endsWith('atail'));
  await session.close();
});

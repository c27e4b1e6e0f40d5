import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frame, StreamId, unframe } from './stdcopy.ts';

test('frames round-trip and a partial frame is kept for later', () => {
  const bytes = Buffer.concat([
    frame(StreamId.stdout, Buffer.from('out\n')),
    frame(StreamId.stderr, Buffer.from('err')),
  ]);
  assert.deepEqual(bytes.subarray(0, 8), Buffer.from([1, 0, 0, 0, 0, 0, 0, 4]));
  const whole = unframe(bytes);
  assert.deepEqual(
    whole.frames.map((f) => [f.stream, f.payload.toString()]),
    [
      [StreamId.stdout, 'out\n'],
      [StreamId.stderr, 'err'],
    ],
  );
  const partial = unframe(bytes.subarray(0, 14));
  assert.equal(partial.frames.length, 1);
  assert.equal(partial.rest.length, 2);
});

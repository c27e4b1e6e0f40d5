import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendLines, MAX_LOG_LINES, matchingLines } from './log-lines.ts';

test('chunks split into lines; a partial line waits for its end', () => {
  let state = appendLines([], 'one\ntw', '');
  assert.deepEqual(state, { lines: ['one'], carry: 'tw' });
  state = appendLines(state.lines, 'o\nthree\n', state.carry);
  assert.deepEqual(state, { lines: ['one', 'two', 'three'], carry: '' });
});

test('the oldest lines go past the cap', () => {
  const many = Array.from({ length: MAX_LOG_LINES }, (_, i) => `l${i}`);
  const { lines } = appendLines(many, 'new\n', '');
  assert.equal(lines.length, MAX_LOG_LINES);
  assert.equal(lines[0], 'l1');
  assert.equal(lines.at(-1), 'new');
});

test('search keeps matching lines, ignoring case', () => {
  assert.deepEqual(matchingLines(['Error: x', 'ok', 'an error'], 'ERROR'), ['Error: x', 'an error']);
  assert.deepEqual(matchingLines(['a', 'b'], ''), ['a', 'b']);
});

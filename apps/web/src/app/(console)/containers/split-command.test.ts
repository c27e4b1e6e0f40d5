import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommand } from './split-command.ts';

test('words split on whitespace, quotes group, escapes keep the next character', () => {
  assert.deepEqual(splitCommand('  sleep   300 '), { ok: true, argv: ['sleep', '300'] });
  assert.deepEqual(splitCommand(`sh -c "echo \\"hi\\" there" 'a b'`), {
    ok: true,
    argv: ['sh', '-c', 'echo "hi" there', 'a b'],
  });
  assert.deepEqual(splitCommand(`echo a\\ b '' ""`), { ok: true, argv: ['echo', 'a b', '', ''] });
  assert.deepEqual(splitCommand(''), { ok: true, argv: [] });
});

test('an unclosed quote is an error, not a guess', () => {
  assert.deepEqual(splitCommand(`sh -c "echo`), { ok: false, error: 'unclosed " quote' });
  assert.deepEqual(splitCommand(`it's`), { ok: false, error: "unclosed ' quote" });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKeyValueLines } from './key-value-lines.ts';

test('key=value lines become a record; blanks are skipped; values may hold =', () => {
  assert.deepEqual(parseKeyValueLines('a=1\n\n  b = x=y \n'), { ok: true, value: { a: '1', b: 'x=y' } });
  assert.deepEqual(parseKeyValueLines(''), { ok: true, value: {} });
});

test('a line without a key is reported by its number', () => {
  assert.deepEqual(parseKeyValueLines('a=1\nnovalue'), { ok: false, error: 'line 2: expected key=value' });
  assert.deepEqual(parseKeyValueLines('=x'), { ok: false, error: 'line 1: expected key=value' });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tabOf, withParam } from './container-tabs.ts';

test('the tab comes from ?tab=, unknown or missing is the overview', () => {
  assert.equal(tabOf('?tab=terminal&session=x'), 'terminal');
  assert.equal(tabOf('?tab=nope'), 'overview');
  assert.equal(tabOf(''), 'overview');
});

test('withParam sets and removes one parameter and keeps the rest', () => {
  assert.equal(withParam('http://h/c/1?tab=logs', 'session', 'abc'), '/c/1?tab=logs&session=abc');
  assert.equal(withParam('http://h/c/1?tab=logs&session=abc', 'session', null), '/c/1?tab=logs');
});

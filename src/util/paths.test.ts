import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInside } from './paths.js';

test('isInside: the root, files and folders below it, names starting with two dots', () => {
  for (const c of ['/r', '/r/a', '/r/a/b.png', '/r/..notes', '/r/a/..b', '/r/...']) assert.equal(isInside('/r', c), true, c);
});

test('isInside: the parent, siblings, a prefix of the name, other roots', () => {
  for (const c of ['/', '/rr', '/r2/a', '/other/r', '/x/../r2']) assert.equal(isInside('/r', c), false, c);
  assert.equal(isInside('/r/a', '/r'), false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataset, packageRoot } from './data-root.js';

test('packageRoot holds package.json', () => {
  assert.ok(existsSync(join(packageRoot(), 'package.json')));
});

test('dataset reports a skip reason for a missing folder', () => {
  const r = dataset('no-such-dataset-xyz');
  assert.equal(r.path, undefined);
  assert.match(r.skip ?? '', /no-such-dataset-xyz/);
});

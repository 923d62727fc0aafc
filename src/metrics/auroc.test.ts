import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { auroc } from './auroc.js';
import { assertClose, loadMetricFixture } from './fixture-loader.js';

interface OpenSetCase { name: string; scores: number[]; isUnknown: number[]; auroc: number }

test('auroc: hand-computed, ties count one half', () => {
  // known [1, 2, 3], unknown [2, 4]. Unknown-known pairs: u=2: >1 (1), =2 (0.5), <3 (0) -> 1.5;
  // u=4: beats all three -> 3. AUROC = 4.5 / 6 = 0.75.
  assertClose(auroc([1, 2, 3, 2, 4], [0, 0, 0, 1, 1]), 0.75, 1e-15, 'auroc');
  // Perfect, inverted and all-tied detectors.
  assert.equal(auroc([0, 1], [false, true]), 1);
  assert.equal(auroc([1, 0], [false, true]), 0);
  assert.equal(auroc([3, 3, 3], [0, 1, 1]), 0.5);
});

test('auroc: agrees with sklearn roc_auc_score', () => {
  const { cases } = loadMetricFixture<{ cases: OpenSetCase[] }>('open-set.json');
  for (const c of cases) assertClose(auroc(c.scores, c.isUnknown), c.auroc, 1e-12, `auroc ${c.name}`);
});

test('auroc: one class only, NaN and length mismatch are clear errors', () => {
  assert.throws(() => auroc([1, 2], [0, 0]), OptionError);
  assert.throws(() => auroc([1, 2], [1, 1]), OptionError);
  assert.throws(() => auroc([1, NaN], [0, 1]), /entry 1 is NaN/);
  assert.throws(() => auroc([1, 2, 3], [0, 1]), /length/);
  assert.throws(() => auroc([], []), /empty/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { assertClose, loadMetricFixture } from './fixture-loader.js';
import type { LabelMap } from './label-map.js';
import { probabilisticRandIndex, randIndex } from './rand-index.js';

interface Pair { width: number; height: number; a: number[]; b: number[]; randIndex: number }
const map = (data: number[], width: number, height: number): LabelMap => ({ data: Int32Array.from(data), width, height });

test('rand index: hand-computed 2x2 rows vs columns', () => {
  // a = rows [[0,0],[1,1]], b = columns [[0,1],[0,1]]. Of the 6 pixel pairs, none is together in
  // both; (0,3) and (1,2) are apart in both -> RI = 2/6. Formula: 1 - (8/2 + 8/2 - 4)/6 = 1/3.
  const a = map([0, 0, 1, 1], 2, 2);
  const b = map([0, 1, 0, 1], 2, 2);
  assertClose(randIndex(a, b), 1 / 3, 1e-15, 'RI');
  assert.equal(randIndex(a, a), 1);
  // Ids do not matter, only the partition.
  assert.equal(randIndex(a, map([7, 7, -3, -3], 2, 2)), 1);
  // PRI: mean over annotators (1 + 1/3) / 2.
  assertClose(probabilisticRandIndex(a, [a, b]), 2 / 3, 1e-15, 'PRI');
});

test('rand index: agrees with sklearn rand_score', () => {
  const { pairs } = loadMetricFixture<{ pairs: Pair[] }>('segmentation.json');
  for (const p of pairs) {
    assertClose(randIndex(map(p.a, p.width, p.height), map(p.b, p.width, p.height)), p.randIndex, 1e-12, `RI ${p.width}x${p.height}`);
  }
});

test('rand index: size mismatch and no annotators are option errors', () => {
  const a = map([0, 0, 1, 1], 2, 2);
  assert.throws(() => randIndex(a, map([0, 0, 1, 1], 4, 1)), OptionError);
  assert.throws(() => randIndex(a, { data: new Int32Array(3), width: 2, height: 2 }), /3 labels/);
  assert.throws(() => probabilisticRandIndex(a, []), OptionError);
  assert.equal(randIndex(map([4], 1, 1), map([2], 1, 1)), 1);
});

// Difference maps and agreement numbers on hand cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanMap, pearson, signedDifference, topFractionOverlap } from './difference-maps.js';

test('the difference map of an image with itself is zero; signs follow original − translated', () => {
  const a = Float32Array.from([0.2, 0.5, 0.9]);
  assert.deepEqual(Array.from(signedDifference(a, a)), [0, 0, 0]);
  const d = signedDifference(a, Float32Array.from([0.1, 0.5, 1.0]));
  assert.deepEqual(Array.from(d, (v) => Math.round(v * 10) / 10), [0.1, 0, -0.1]);
  assert.throws(() => signedDifference(a, new Float32Array(2)), /translated/);
});

test('meanMap averages pixel-wise', () => {
  assert.deepEqual(Array.from(meanMap([Float32Array.from([1, 2]), Float32Array.from([3, 6])])), [2, 4]);
});

test('pearson: known values, mask, constant input', () => {
  assert.equal(pearson([1, 2, 3], [2, 4, 6]), 1);
  assert.equal(pearson([1, 2, 3], [3, 2, 1]), -1);
  // x = [1,2,3,4], y = [1,3,2,4]: means 2.5; sxy = 2.25+(-0.5·0.5)+(0.5·-0.5)+2.25 = 4; sxx = syy = 5 → 0.8
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [1, 3, 2, 4]) - 0.8) < 1e-12);
  // the masked-out pixel would break the perfect correlation
  assert.equal(pearson([1, 2, 3, 100], [1, 2, 3, -5], [1, 1, 1, 0]), 1);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
});

test('topFractionOverlap: identical maps 1, disjoint tops 0, mask restricts the pixels', () => {
  const a = [9, 8, 1, 1, 1, 1, 1, 1, 1, 1];
  assert.equal(topFractionOverlap(a, a, 0.2), 1);
  const b = [1, 1, 1, 1, 1, 1, 1, 1, 8, 9];
  assert.equal(topFractionOverlap(a, b, 0.2), 0);
  // top 20 % = 2 pixels; a's tops are {0,1}, c's {0,2}: overlap 1/2
  assert.equal(topFractionOverlap(a, [9, 0, 8, 0, 0, 0, 0, 0, 0, 0], 0.2), 0.5);
  // masking pixels 0 and 1 leaves 8 pixels: top 25 % = 2 of them
  assert.equal(topFractionOverlap([9, 9, 5, 4, 0, 0, 0, 0, 0, 0], [0, 0, 5, 4, 0, 0, 0, 0, 0, 0], 0.25, [0, 0, 1, 1, 1, 1, 1, 1, 1, 1]), 1);
  assert.throws(() => topFractionOverlap(a, a, 0), /fraction/);
});

// Pearson and Spearman correlation: hand-computed answers, ties, degenerate samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, pearson, spearman } from './correlation.js';

test('pearson: x = [1,2,3], y = [1,3,2] gives sxy / √(sxx·syy) = 1 / √(2·2) = 0.5', () => {
  assert.ok(Math.abs(pearson([1, 2, 3], [1, 3, 2]) - 0.5) < 1e-15);
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [10, 8, 6, 4]) + 1) < 1e-15);
  assert.ok(Number.isNaN(pearson([1], [2])));
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  assert.throws(() => pearson([1, 2], [1]), /y: has 1 values/);
});

test('spearman: 1 − 6Σd²/(n(n²−1)) without ties; average ranks with ties', () => {
  // d = [−1, 1, −1, 1, 0]: 1 − 6·4 / (5·24) = 0.8
  assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) - 0.8) < 1e-15);
  // monotone but not linear: ρ = 1 while r < 1
  assert.equal(spearman([1, 2, 3, 4], [1, 4, 9, 100]), 1);
  assert.ok(pearson([1, 2, 3, 4], [1, 4, 9, 100]) < 0.9);
  assert.deepEqual(Array.from(averageRanks([5, 1, 5, 3])), [3.5, 1, 3.5, 2]);
  // ranks x = [1, 2.5, 2.5, 4], y = [1, 2, 3, 4]: 4.5 / √(4.5·5) = 3/√10
  assert.ok(Math.abs(spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 3 / Math.sqrt(10)) < 1e-15);
});

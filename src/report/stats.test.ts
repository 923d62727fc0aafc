import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxStats, gaussianKde, quantile, sortedFinite } from './stats.js';

test('quantile interpolates linearly like numpy', () => {
  // np.quantile([1,2,3,4], 0.25) = 1.75; median 2.5
  assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('boxStats: quartiles, whiskers inside 1.5·IQR, one outlier', () => {
  // data 1..9 and 100: q1 = 3.25, q3 = 7.75, IQR = 4.5, fences −3.5 and 14.5 → 100 is an outlier
  const b = boxStats([100, 1, 2, 3, 4, 5, 6, 7, 8, 9, NaN]);
  assert.equal(b.n, 10);
  assert.equal(b.q1, 3.25);
  assert.equal(b.median, 5.5);
  assert.equal(b.q3, 7.75);
  assert.equal(b.lowWhisker, 1);
  assert.equal(b.highWhisker, 9);
  assert.deepEqual(b.outliers, [100]);
});

test('gaussianKde integrates to ≈ 1 and peaks near the mode', () => {
  const v = Array.from({ length: 400 }, (_, i) => Math.sin(i * 12.9898) * 0.5 + (i % 2 ? 0.1 : -0.1));
  const d = gaussianKde(v, { points: 400, cut: 4 });
  let area = 0;
  for (let i = 1; i < d.at.length; i++) area += ((d.density[i] + d.density[i - 1]) / 2) * (d.at[i] - d.at[i - 1]);
  assert.ok(Math.abs(area - 1) < 0.01, `area ${area}`);
  // single point at 0 with bandwidth 1: density(0) = 1/√(2π)
  const one = gaussianKde([0], { points: 3, bandwidth: 1, cut: 1 });
  assert.ok(Math.abs(one.density[1] - 1 / Math.sqrt(2 * Math.PI)) < 1e-12);
  assert.deepEqual([...sortedFinite([3, Infinity, 1])], [1, 3]);
});

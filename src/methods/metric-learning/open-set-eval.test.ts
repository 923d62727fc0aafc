// Small helpers of the leave-one-class-out evaluation: curve thinning for figures, mean ± sd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanSd, thinCurve } from './open-set-eval.js';

test('thinCurve keeps short curves whole, thins long ones evenly, always keeps both ends', () => {
  assert.deepEqual(thinCurve([0, 0.5, 1], [0, 0.8, 1], 200), { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1] });
  const n = 1001;
  const x = Array.from({ length: n }, (_, i) => i / (n - 1));
  const t = thinCurve(x, x, 200);
  // step ceil(1001 / 200) = 6: indices 0, 6, …, 996, then the last (1000)
  assert.equal(t.fpr.length, 168);
  assert.equal(t.fpr[0], 0);
  assert.equal(t.fpr[1], 6 / 1000);
  assert.equal(t.fpr.at(-2), 996 / 1000);
  assert.equal(t.fpr.at(-1), 1);
  const y = Array.from({ length: 13 }, (_, i) => i);
  assert.deepEqual(thinCurve(y, y, 3).fpr, [0, 5, 10, 12]);
  // a last index that falls on the step is not added twice
  assert.deepEqual(thinCurve(y, y, 4).fpr, [0, 4, 8, 12]);
  assert.deepEqual(thinCurve(y.slice(0, 11), y.slice(0, 11), 3).fpr, [0, 4, 8, 10]);
});

test('meanSd: sample standard deviation; one value has sd 0', () => {
  const r = meanSd([1, 2, 3, 4]);
  assert.equal(r.mean, 2.5);
  assert.ok(Math.abs(r.sd - Math.sqrt(5 / 3)) < 1e-15);
  assert.deepEqual(meanSd([7]), { mean: 7, sd: 0 });
});

// Fold intervals and paired differences on hand cases whose bootstrap distribution is known exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldInterval, intervalMethod, pairedDifference } from './fold-stats.js';

const near = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('foldInterval: percentile bootstrap of the mean of [0, 0, 0, 3] is [0, 2.25]', () => {
  // A resample's mean is 3k/4 with k ~ Binomial(4, 1/4) copies of the 3: P(k = 0) = 0.316, so the
  // 2.5 % quantile is 0; P(k = 4) = 0.0039 < 0.025 < P(k >= 3) = 0.0508, so the 97.5 % quantile is
  // k = 3, i.e. 2.25. (2000 resamples put the empirical masses within about 0.005 of these.)
  const r = foldInterval([0, 0, 0, 3]);
  assert.deepEqual(r, { mean: 0.75, low: 0, high: 2.25, n: 4 });
});

test('foldInterval: [0, 0, 3] gives [0, 3] (P(all three resampled values are 3) = 1/27 > 0.025)', () => {
  assert.deepEqual(foldInterval([0, 0, 3]), { mean: 1, low: 0, high: 3, n: 3 });
});

test('foldInterval: constant folds give a zero-width interval; NaN folds are left out; none gives NaN', () => {
  assert.deepEqual(foldInterval([0.5, 0.5, 0.5]), { mean: 0.5, low: 0.5, high: 0.5, n: 3 });
  assert.deepEqual(foldInterval([NaN, 2, 2]), { mean: 2, low: 2, high: 2, n: 2 });
  const none = foldInterval([NaN]);
  assert.equal(none.n, 0);
  assert.ok(Number.isNaN(none.mean) && Number.isNaN(none.low) && Number.isNaN(none.high));
});

test('pairedDifference: a head 0.1 better on every fold has a paired interval at 0.1, though the unpaired intervals overlap', () => {
  const a = [0.8, 0.6, 0.7, 0.9];
  const b = [0.7, 0.5, 0.6, 0.8];
  const d = pairedDifference(a, b);
  near(d.mean, 0.1, 1e-15);
  near(d.low, 0.1, 1e-15);
  near(d.high, 0.1, 1e-15);
  assert.equal(d.wins, 4);
  assert.equal(d.losses, 0);
  // unpaired: fold-to-fold spread (0.5-0.9) swamps the difference
  const ia = foldInterval(a);
  const ib = foldInterval(b);
  assert.ok(ia.low < ib.high, `unpaired intervals [${ia.low}, ${ia.high}] and [${ib.low}, ${ib.high}] overlap`);
});

test('pairedDifference: d = [1, −1] resamples to means −1, 0, 1 with P 1/4, 1/2, 1/4 → interval [−1, 1]', () => {
  const d = pairedDifference([1, 0], [0, 1]);
  assert.deepEqual(d, { mean: 0, low: -1, high: 1, n: 2, wins: 1, losses: 1 });
  assert.throws(() => pairedDifference([1], [1, 2]), /1 folds against 2/);
});

test('foldInterval is seeded: same seed same interval; the method is stated', () => {
  const v = [0.1, 0.5, 0.2, 0.9, 0.4, 0.3];
  assert.deepEqual(foldInterval(v, { seed: 5 }), foldInterval(v, { seed: 5 }));
  assert.match(intervalMethod(), /percentile bootstrap over folds \(2000 resamples, seed 0\), 95 % interval/);
});

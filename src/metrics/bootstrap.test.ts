import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { aurocInterval, bootstrapIndices, bootstrapInterval, percentileInterval } from './bootstrap.js';

const share = (v: Float64Array, x: number): number => v.filter((a) => a === x).length / v.length;
// |observed - p| within 4 binomial standard deviations of B draws
const near = (observed: number, p: number, B: number): boolean => Math.abs(observed - p) <= 4 * Math.sqrt((p * (1 - p)) / B);

test('aurocInterval: stratified resamples of a hand case follow the enumerated distribution', () => {
  // negatives a = 0.1, b = 0.4; positives c = 0.35, d = 0.8: AUC 3/4 (only c < b loses).
  // A resample draws 2 negatives and 2 positives; AUC = 1 - (#c)(#b)/4 with #c, #b ~ Binomial(2, 1/2):
  // (#c)(#b) = 4 w.p. 1/16 -> 0; 2 w.p. 2 (1/4)(1/2) = 1/4 -> 0.5; 1 w.p. 1/4 -> 0.75; else 0 -> 1 (7/16).
  const B = 4000;
  const r = aurocInterval([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { resamples: B, seed: 7 });
  assert.equal(r.estimate, 0.75);
  for (const [x, p] of [
    [0, 1 / 16],
    [0.5, 1 / 4],
    [0.75, 1 / 4],
    [1, 7 / 16],
  ]) {
    assert.ok(near(share(r.values, x), p, B), `P(AUC = ${x}) = ${share(r.values, x)}, expected ${p}`);
  }
  assert.equal(r.values.length, B);
  // 6.25 % of the resamples give 0 (> 2.5 %) and 43.75 % give 1 (> 2.5 %): the 95 % interval is [0, 1]
  assert.deepEqual([r.low, r.high, r.level], [0, 1, 0.95]);
  // perfectly separated scores: every stratified resample is separated too
  const sep = aurocInterval([0, 1, 2, 3, 4], [0, 0, 1, 1, 1], { resamples: 200 });
  assert.deepEqual([sep.estimate, sep.low, sep.high], [1, 1, 1]);
});

test('bootstrapInterval: mean of [0, 1] resampled freely takes 0, 1/2, 1 with probabilities 1/4, 1/2, 1/4', () => {
  const x = [0, 1];
  const B = 4000;
  const r = bootstrapInterval(2, (idx) => (x[idx[0]] + x[idx[1]]) / 2, { resamples: B, seed: 3 });
  assert.equal(r.estimate, 0.5);
  assert.ok(near(share(r.values, 0), 0.25, B) && near(share(r.values, 0.5), 0.5, B) && near(share(r.values, 1), 0.25, B));
  assert.deepEqual([r.low, r.high], [0, 1]);
  // at level 0.4 the central quantiles 0.3 and 0.7 both fall among the halves
  assert.deepEqual(percentileInterval(r.values, 0.4), { low: 0.5, high: 0.5 });
});

test('percentileInterval: linear-interpolated quantiles', () => {
  // values 1..101: quantile q is 1 + 100 q, so the 90 % interval is [6, 96]
  const v = Array.from({ length: 101 }, (_, i) => 101 - i);
  const { low, high } = percentileInterval(v, 0.9);
  assert.ok(Math.abs(low - 6) < 1e-12 && Math.abs(high - 96) < 1e-12, `${low} ${high}`);
  // 1, 2, 3, 4 at 50 %: positions 0.75 and 2.25 -> 1.75 and 3.25
  assert.deepEqual(percentileInterval([4, 1, 3, 2], 0.5), { low: 1.75, high: 3.25 });
});

test('bootstrapIndices: seeded, with replacement, stratified draws keep group sizes', () => {
  const a = bootstrapIndices(10, { resamples: 5, seed: 1 });
  assert.deepEqual(a, bootstrapIndices(10, { resamples: 5, seed: 1 }));
  assert.notDeepEqual(a, bootstrapIndices(10, { resamples: 5, seed: 2 }));
  // with replacement: over 50 draws of 10 some index repeats within a resample
  assert.ok(bootstrapIndices(10, { resamples: 50 }).some((d) => new Set(d).size < 10));
  const strata = [1, 0, 1, 1, 0, 0, 0, 1, 1, 1];
  for (const d of bootstrapIndices(10, { resamples: 50, strata })) {
    assert.equal(Array.from(d).filter((i) => strata[i] === 1).length, 6);
    assert.equal(Array.from(d).filter((i) => strata[i] === 0).length, 4);
  }
  // shared draws: two statistics see the same resamples
  const draws = bootstrapIndices(4, { resamples: 20, strata: [0, 0, 1, 1] });
  const r1 = aurocInterval([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { draws });
  const r2 = aurocInterval([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { draws });
  assert.deepEqual(r1.values, r2.values);
});

test('bootstrap: bad options and one-class labels are one-line OptionErrors', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => bootstrapIndices(3, { resamples: 0 }), /^resamples:/],
    [() => bootstrapIndices(0), /^samples:/],
    [() => bootstrapIndices(3, { strata: [0, 1] }), /^strata: has 2 entries for 3 samples/],
    [() => percentileInterval([1, 2], 1.5), /^level:/],
    [() => aurocInterval([1, 2, 3], [0, 1]), /^labels: has 2 entries/],
    [() => aurocInterval([1, 2, 3], [1, 1, 1]), /^labels: no known samples|^labels: no/],
    [() => bootstrapInterval(3, () => 0, { draws: [new Uint32Array(2)] }), /^draws:/],
  ];
  for (const [f, re] of cases) assert.throws(f, (e: Error) => e instanceof OptionError && re.test(e.message) && !e.message.includes('\n'), String(re));
});

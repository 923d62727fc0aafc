import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { assertClose, loadMetricFixture } from './fixture-loader.js';
import { calibrateThreshold } from './threshold-calibration.js';

interface CalibrationCase { scores: number[]; tpr: number; invertedCdf: number; linear: number }

test('threshold calibration: hand-computed quantiles', () => {
  // Sorted knowns [1, 2, 3, 4, 5]. tpr 0.8: inverted-cdf s[ceil(4) - 1] = 4 (4 of 5 at or below);
  // linear: position 0.8 * 4 = 3.2 -> 4 + 0.2 * (5 - 4) = 4.2.
  const s = [5, 1, 4, 2, 3];
  assert.deepEqual(calibrateThreshold(s, { tpr: 0.8 }), { threshold: 4, achievedTpr: 0.8 });
  assertClose(calibrateThreshold(s, { tpr: 0.8, method: 'linear' }).threshold, 4.2, 1e-12, 'linear 0.8');
  // Default tpr 0.95: ceil(4.75) = 5 -> s[4] = 5 (all accepted); linear 3.8 -> 4.8.
  assert.equal(calibrateThreshold(s).threshold, 5);
  assertClose(calibrateThreshold(s, { method: 'linear' }).threshold, 4.8, 1e-12, 'linear 0.95');
  // 0.7 * 10 rounds to 7.000000000000001; the 7th score must still be chosen (70% accepted).
  const ten = Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual(calibrateThreshold(ten, { tpr: 0.7 }), { threshold: 6, achievedTpr: 0.7 });
});

test('threshold calibration: agrees with numpy.quantile', () => {
  const { cases } = loadMetricFixture<{ cases: CalibrationCase[] }>('calibration.json');
  for (const c of cases) {
    const inv = calibrateThreshold(c.scores, { tpr: c.tpr });
    assert.equal(inv.threshold, c.invertedCdf, `inverted-cdf n=${c.scores.length} tpr=${c.tpr}`);
    assert.ok(inv.achievedTpr >= c.tpr, 'achieved tpr reaches the target');
    assertClose(calibrateThreshold(c.scores, { tpr: c.tpr, method: 'linear' }).threshold, c.linear, 1e-12, `linear n=${c.scores.length}`);
  }
});

test('threshold calibration: bad input is an option error', () => {
  assert.throws(() => calibrateThreshold([]), OptionError);
  assert.throws(() => calibrateThreshold([1, Infinity]), OptionError);
  assert.throws(() => calibrateThreshold([1, 2], { tpr: -0.1 }), OptionError);
  assert.throws(() => calibrateThreshold([1, 2], { method: 'nearest' as 'linear' }), OptionError);
});

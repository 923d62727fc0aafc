import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError } from '../util/errors.js';
import { auprIn, auprOut } from './aupr.js';
import { averagePrecision } from './average-precision.js';
import { assertClose, loadMetricFixture } from './fixture-loader.js';

interface OpenSetCase { name: string; scores: number[]; isUnknown: number[]; auprIn: number; auprOut: number }

// known [1, 2, 3], unknown [2, 4] (scores, higher = more unknown)
const scores = [1, 2, 3, 2, 4];
const isUnknown = [0, 0, 0, 1, 1];

test('aupr-out: hand-computed average precision', () => {
  // Descending thresholds: 4 (U) -> TP1 FP0, P=1, R=1/2; 3 (K) -> TP1 FP1, R unchanged;
  // 2 (U and K tied) -> TP2 FP2, P=1/2, R=1; 1 (K) -> R unchanged.
  // AP = 1/2 * 1 + 1/2 * 1/2 = 0.75.
  assertClose(auprOut(scores, isUnknown), 0.75, 1e-15, 'aupr-out');
});

test('aupr-in: hand-computed, known positive on negated scores', () => {
  // Negated: -1 (K) -> TP1 FP0, P=1, R=1/3; -2 (K, U tied) -> TP2 FP1, P=2/3, R=2/3;
  // -3 (K) -> TP3 FP1, P=3/4, R=1; -4 (U) -> R unchanged.
  // AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/4 = 29/36.
  assertClose(auprIn(scores, isUnknown), 29 / 36, 1e-15, 'aupr-in');
});

test('aupr: agrees with sklearn average_precision_score', () => {
  const { cases } = loadMetricFixture<{ cases: OpenSetCase[] }>('open-set.json');
  for (const c of cases) {
    assertClose(auprOut(c.scores, c.isUnknown), c.auprOut, 1e-12, `aupr-out ${c.name}`);
    assertClose(auprIn(c.scores, c.isUnknown), c.auprIn, 1e-12, `aupr-in ${c.name}`);
  }
});

test('average precision: no positives is a clear error', () => {
  assert.throws(() => averagePrecision([0.1, 0.2], [0, 0]), OptionError);
  assert.throws(() => auprIn([0.1, 0.2], [1, 1]), OptionError);
});

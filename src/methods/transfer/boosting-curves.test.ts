import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitAdaBoost, decisionScores } from './adaboost.js';
import { aucCurve, learnerCounts, stagedScores } from './boosting-curves.js';
import type { FeatureMatrix } from './decision-stump.js';

const matrix = (rows: number[][]): FeatureMatrix => ({ rows: rows.length, cols: rows[0].length, data: Float32Array.from(rows.flat()) });

test('learnerCounts: log-spaced, distinct, from 1 to max', () => {
  // 10^(k/6) for k = 0..14, rounded, capped at 200
  assert.deepEqual(learnerCounts(200), [1, 2, 3, 5, 7, 10, 15, 22, 32, 46, 68, 100, 147, 200]);
  assert.deepEqual(learnerCounts(1), [1]);
  assert.deepEqual(learnerCounts(10, 2), [1, 3, 10]); // 10^0, 10^0.5 = 3.16, 10^1
});

test('stagedScores: the scores after t learners are decisionScores with t learners; early stops repeat the last', () => {
  // Two overlapping classes along feature 0, noise in feature 1: boosting runs the full 8 rounds.
  const x = matrix([[0, 5], [1, 3], [2, 1], [3, 4], [2.5, 2], [4, 0], [5, 6], [6, 2], [1.5, 7], [4.5, 1]]);
  const y = [0, 0, 0, 0, 1, 1, 1, 1, 1, 0];
  const test = matrix([[0.5, 1], [3.5, 3], [5.5, 5], [2, 6]]);
  for (const algorithm of ['SAMME', 'SAMME.R'] as const) {
    const s = stagedScores(x, y, test, [1, 3, 8], algorithm);
    const model = fitAdaBoost(x, y, { algorithm, learners: 8 });
    assert.equal(s.length, 3);
    [1, 3, 8].forEach((t, k) => {
      const want = decisionScores(model, test, Math.min(t, model.stumps.length));
      assert.deepEqual(Array.from(s[k]), Array.from(want), `${algorithm} after ${t}`);
    });
  }
  // Separable by one stump: SAMME stops after the first (zero-error) learner; later counts repeat it.
  const sep = stagedScores(matrix([[0], [1], [2], [3]]), [0, 0, 1, 1], matrix([[0.5], [2.5]]), [1, 5, 50], 'SAMME');
  assert.equal(sep.length, 3);
  assert.deepEqual(Array.from(sep[2]), Array.from(sep[0]));
  assert.ok(sep[0][0] < 0 && sep[0][1] > 0);
});

test('aucCurve: mean AUC over seeds, a stratified bootstrap interval around it', () => {
  // scores 0.1 0.4 0.35 0.8 for labels 0 0 1 1: of the 4 (pos, neg) pairs 3 are ordered, AUC 0.75
  const y = [0, 0, 1, 1];
  const a = Float64Array.from([0.1, 0.4, 0.35, 0.8]);
  const perfect = Float64Array.from([0, 1, 2, 3]);
  const c = aucCurve([[a, perfect], [perfect, perfect]], y, [1, 2], { resamples: 200, seed: 3 });
  assert.deepEqual(c.counts, [1, 2]);
  assert.deepEqual(c.perSeed, [[0.75, 1], [1, 1]]);
  assert.deepEqual(c.auc, [0.875, 1]);
  // a perfect ranking stays perfect in every resample
  assert.equal(c.low[1], 1);
  assert.equal(c.high[1], 1);
  assert.ok(c.low[0] <= 0.875 && c.high[0] >= 0.875 && c.low[0] >= 0.5 && c.high[0] === 1, `${c.low[0]} .. ${c.high[0]}`);
  // the same seed gives the same interval
  assert.deepEqual(aucCurve([[a, perfect], [perfect, perfect]], y, [1, 2], { resamples: 200, seed: 3 }), c);
});

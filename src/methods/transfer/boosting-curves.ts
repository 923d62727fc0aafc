// ROC AUC of AdaBoost against the number of weak learners: one ensemble per seed (each trained on
// that seed's few labels), read after 1 … T learners on a fixed test set; the curve is the mean AUC
// over seeds, with a stratified bootstrap 95 % interval over the test samples.
import { auroc } from '../../metrics/auroc.js';
import { bootstrapIndices, percentileInterval } from '../../metrics/bootstrap.js';
import { fitAdaBoost, stagedDecision, type AdaBoostAlgorithm } from './adaboost.js';
import type { FeatureMatrix } from './decision-stump.js';

/** Log-spaced learner counts from 1 to `max` (rounded, distinct), e.g. 1 2 3 5 7 10 … 200 for 200. */
export function learnerCounts(max: number, perDecade = 6): number[] {
  const out = new Set<number>();
  const steps = Math.ceil(Math.log10(max) * perDecade);
  for (let k = 0; k <= steps; k++) out.add(Math.min(max, Math.round(10 ** (k / perDecade))));
  out.add(max);
  return [...out].sort((a, b) => a - b);
}

/** Decision scores of the test samples after each of `counts` learners (the last ones repeated if boosting stopped early). */
export function stagedScores(train: FeatureMatrix, yTrain: ArrayLike<number>, test: FeatureMatrix, counts: readonly number[], algorithm: AdaBoostAlgorithm): Float64Array[] {
  const model = fitAdaBoost(train, yTrain, { algorithm, learners: counts[counts.length - 1] });
  const want = new Set(counts);
  const out: Float64Array[] = [];
  let t = 0;
  let last: Float64Array | undefined;
  for (const s of stagedDecision(model, test)) {
    t++;
    last = s;
    if (want.has(t)) out.push(Float64Array.from(s));
  }
  while (out.length < counts.length) out.push(Float64Array.from(last!));
  return out;
}

/** AUC per learner count: mean over seeds, and its bootstrap interval. */
export interface AucCurve {
  counts: number[];
  auc: number[];
  low: number[];
  high: number[];
  /** AUC per seed (rows) and count (columns). */
  perSeed: number[][];
}

/** `scores[seed][count]`: test decision scores; `labels`: test labels 0/1. */
export function aucCurve(scores: readonly Float64Array[][], labels: ArrayLike<number>, counts: number[], o: { resamples?: number; seed?: number } = {}): AucCurve {
  const y = Array.from(labels);
  const draws = bootstrapIndices(y.length, { resamples: o.resamples ?? 500, seed: o.seed ?? 0, strata: y });
  const perSeed = scores.map((row) => row.map((s) => auroc(s, y)));
  const auc: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  counts.forEach((_, c) => {
    auc.push(perSeed.reduce((a, r) => a + r[c], 0) / perSeed.length);
    const values = draws.map((idx) => {
      const yy = Array.from(idx, (i) => y[i]);
      return scores.reduce((a, row) => a + auroc(Array.from(idx, (i) => row[c][i]), yy), 0) / scores.length;
    });
    const iv = percentileInterval(values, 0.95);
    low.push(iv.low);
    high.push(iv.high);
  });
  return { counts, auc, low, high, perSeed };
}

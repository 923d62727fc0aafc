// AdaBoost over decision stumps: discrete SAMME and real-valued SAMME.R (Zhu, Zou, Rosset & Hastie,
// "Multi-class AdaBoost", Statistics and Its Interface 2009, Algorithms 2 and 4), with the
// decision scores after every learner, so a score such as ROC AUC can be read against the number
// of weak learners. Weight updates, clipping and stopping rules follow scikit-learn 1.2's
// AdaBoostClassifier, whose staged decision function this reproduces (tests/fixtures/transfer).
import { OptionError } from '../../util/errors.js';
import { fitStump, goesLeft, presortFeatures, type FeatureMatrix, type Stump } from './decision-stump.js';

export const ADABOOST_ALGORITHMS = ['SAMME', 'SAMME.R'] as const;
export type AdaBoostAlgorithm = (typeof ADABOOST_ALGORITHMS)[number];

/** Options of `fitAdaBoost`. */
export interface AdaBoostOptions {
  /** 'SAMME' (stump votes weighted by their error) or 'SAMME.R' (stump class probabilities). @default 'SAMME.R' */
  algorithm?: AdaBoostAlgorithm;
  /** Most weak learners; boosting stops early on a perfect (or, for SAMME, a chance-level) stump. @default 50 */
  learners?: number;
  /** Shrinks each learner's contribution (weight update and, for SAMME, its vote). @default 1 */
  learningRate?: number;
  /** Non-negative weight of each training sample; samples of weight 0 take no part. @default uniform */
  sampleWeight?: ArrayLike<number>;
}

/** A fitted ensemble. */
export interface AdaBoostModel {
  algorithm: AdaBoostAlgorithm;
  /** Distinct training labels, ascending: column k of the decision scores is `classes[k]`. */
  classes: number[];
  stumps: Stump[];
  /** Vote weight of each stump (1 for SAMME.R). */
  weights: number[];
  /** Weighted training error of each stump when it was fitted. */
  errors: number[];
}

// Smallest sample weight kept, and the floor of stump probabilities (np.finfo(float64).eps).
const EPS = 2.220446049250313e-16;

/**
 * Boost stumps on `x` (rows = samples) for labels `y` (any integers, at least two distinct).
 * Sample weights start normalised to sum 1 and are clipped below at 2^-52 each round.
 */
export function fitAdaBoost(x: FeatureMatrix, y: ArrayLike<number>, options: AdaBoostOptions = {}): AdaBoostModel {
  const algorithm = options.algorithm ?? 'SAMME.R';
  if (!ADABOOST_ALGORITHMS.includes(algorithm)) throw new OptionError('algorithm', `must be one of ${ADABOOST_ALGORITHMS.join(', ')}, got ${String(algorithm)}`);
  const T = options.learners ?? 50;
  if (!Number.isInteger(T) || T < 1) throw new OptionError('learners', `must be a positive integer, got ${T}`);
  const lr = options.learningRate ?? 1;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new OptionError('learningRate', `must be a positive number, got ${lr}`);
  const n = x.rows;
  if (x.data.length !== n * x.cols) throw new OptionError('features', `has ${x.data.length} values, expected ${n} x ${x.cols}`);
  for (let i = 0; i < x.data.length; i++) if (!Number.isFinite(x.data[i])) throw new OptionError('features', `value ${i} (sample ${Math.floor(i / x.cols)}) is not finite`);
  if (y.length !== n) throw new OptionError('labels', `has ${y.length} entries for ${n} samples`);
  for (let i = 0; i < n; i++) if (!Number.isInteger(y[i])) throw new OptionError('labels', `label ${i} is not an integer: ${y[i]}`);
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  if (classes.length < 2) throw new OptionError('labels', `need at least two classes, got ${classes.length}`);
  const K = classes.length;
  const code = new Map(classes.map((c, k) => [c, k]));
  const yi = Int32Array.from(Array.from(y), (v) => code.get(v)!);

  let w = new Float64Array(n).fill(1);
  if (options.sampleWeight) {
    const sw = options.sampleWeight;
    if (sw.length !== n) throw new OptionError('sampleWeight', `has ${sw.length} entries for ${n} samples`);
    for (let i = 0; i < n; i++) {
      if (!(sw[i] >= 0) || !Number.isFinite(sw[i])) throw new OptionError('sampleWeight', `weight ${i} must be finite and non-negative, got ${sw[i]}`);
      w[i] = sw[i];
    }
  }
  const zero = Array.from(w, (v) => v === 0);
  const sum0 = numpySum(w);
  if (!(sum0 > 0)) throw new OptionError('sampleWeight', 'all weights are zero');
  for (let i = 0; i < n; i++) w[i] /= sum0;

  const pre = presortFeatures(x, zero.map((z) => !z));
  const model: AdaBoostModel = { algorithm, classes, stumps: [], weights: [], errors: [] };
  const incorrect = new Float64Array(n);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) w[i] = zero[i] ? 0 : Math.max(w[i], EPS);
    const stump = fitStump(pre, yi, w, K);
    const pl = probabilities(stump.left);
    const pr = probabilities(stump.right);
    for (let i = 0; i < n; i++) incorrect[i] = argmax(goesLeft(stump, x, i) ? pl : pr) !== yi[i] ? 1 : 0;
    const error = weightedMean(incorrect, w);
    const last = t === T - 1;
    if (error <= 0) {
      push(model, stump, 1, 0);
      break;
    }
    if (algorithm === 'SAMME') {
      if (error >= 1 - 1 / K) {
        if (model.stumps.length === 0) throw new OptionError('labels', `the first stump is no better than chance (weighted error ${error} >= 1 - 1/${K}): nothing to boost`);
        break;
      }
      const alpha = lr * (Math.log((1 - error) / error) + Math.log(K - 1));
      push(model, stump, alpha, error);
      if (!last) for (let i = 0; i < n; i++) w[i] = Math.exp(Math.log(w[i]) + (incorrect[i] && w[i] > 0 ? alpha : 0));
    } else {
      push(model, stump, 1, error);
      if (!last) {
        // w_i *= exp(-lr (K-1)/K sum_k y_ik log p_ik), y_ik = 1 for the true class, -1/(K-1) otherwise
        const factor = -1 * lr * ((K - 1) / K);
        const pcl = pl.map((v) => Math.max(v, EPS));
        const pcr = pr.map((v) => Math.max(v, EPS));
        for (let i = 0; i < n; i++) {
          const p = goesLeft(stump, x, i) ? pcl : pcr;
          let s = 0;
          for (let k = 0; k < K; k++) s += (k === yi[i] ? 1 : -1 / (K - 1)) * Math.log(p[k]);
          const ew = factor * s;
          if (w[i] > 0 || ew < 0) w[i] *= Math.exp(ew);
        }
      }
    }
    const total = numpySum(w);
    if (!Number.isFinite(total) || total <= 0) break;
    if (!last) for (let i = 0; i < n; i++) w[i] /= total;
  }
  return model;
}

function push(m: AdaBoostModel, s: Stump, weight: number, error: number): void {
  m.stumps.push(s);
  m.weights.push(weight);
  m.errors.push(error);
}

/** Leaf class totals as probabilities (an all-zero leaf stays zero). */
function probabilities(v: readonly number[]): number[] {
  let s = 0;
  for (const a of v) s += a;
  return v.map((a) => a / (s === 0 ? 1 : s));
}

function argmax(v: readonly number[]): number {
  let b = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[b]) b = k;
  return b;
}

/**
 * Per-leaf contribution of a stump to the decision scores ([2][K]: left, right): SAMME adds its
 * weight to the predicted class; SAMME.R adds (K-1)(log p_k - mean_j log p_j) with p clipped at 2^-52.
 */
function leafScores(m: AdaBoostModel, t: number): [number[], number[]] {
  const K = m.classes.length;
  const s = m.stumps[t];
  return [s.left, s.right].map((v) => {
    const p = probabilities(v);
    if (m.algorithm === 'SAMME') return p.map((_, k) => (k === argmax(p) ? m.weights[t] : 0));
    const lp = p.map((a) => Math.log(Math.max(a, EPS)));
    let sum = 0;
    for (const a of lp) sum += a;
    return lp.map((a) => (K - 1) * (a - (1 / K) * sum));
  }) as [number[], number[]];
}

/**
 * Decision scores after 1, 2, ... learners, for the samples of `x`. Two classes: [N] scores,
 * positive = `classes[1]`; more: [N, K] row-major, one column per class. Each score is the sum of
 * the learners' contributions so far divided by the sum of their weights (as scikit-learn's
 * staged_decision_function).
 */
export function* stagedDecision(model: AdaBoostModel, x: FeatureMatrix): Generator<Float64Array, void, undefined> {
  const K = model.classes.length;
  const n = x.rows;
  if (model.stumps.length > 0 && model.stumps.some((s) => s.feature >= x.cols)) throw new OptionError('features', `have ${x.cols} columns, the model splits on feature ${Math.max(...model.stumps.map((s) => s.feature))}`);
  const acc = new Float64Array(n * K);
  let norm = 0;
  for (let t = 0; t < model.stumps.length; t++) {
    norm += model.weights[t];
    const [l, r] = leafScores(model, t);
    for (let i = 0; i < n; i++) {
      const v = goesLeft(model.stumps[t], x, i) ? l : r;
      for (let k = 0; k < K; k++) acc[i * K + k] += v[k];
    }
    if (K === 2) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = -acc[2 * i] / norm + acc[2 * i + 1] / norm;
      yield out;
    } else yield acc.map((v) => v / norm);
  }
}

/** Decision scores with the first `learners` learners (all by default); layout as `stagedDecision`. */
export function decisionScores(model: AdaBoostModel, x: FeatureMatrix, learners = model.stumps.length): Float64Array {
  if (!Number.isInteger(learners) || learners < 1 || learners > model.stumps.length) throw new OptionError('learners', `must be an integer in [1, ${model.stumps.length}], got ${learners}`);
  let t = 0;
  for (const d of stagedDecision(model, x)) if (++t === learners) return d;
  throw new Error('unreachable');
}

/** Predicted labels (values of `model.classes`) from decision scores. */
export function predictLabels(model: AdaBoostModel, scores: Float64Array): number[] {
  const K = model.classes.length;
  if (K === 2) return Array.from(scores, (s) => model.classes[s > 0 ? 1 : 0]);
  const out: number[] = [];
  for (let i = 0; i < scores.length / K; i++) out.push(model.classes[argmax(Array.from(scores.subarray(i * K, (i + 1) * K)))]);
  return out;
}

/** sum(a * w) / sum(w), both sums as NumPy's (np.average). */
function weightedMean(a: Float64Array, w: Float64Array): number {
  return numpySum(a.map((v, i) => v * w[i])) / numpySum(w);
}

/**
 * NumPy's pairwise summation of a contiguous float64 array (blocks of 128 with eight running sums),
 * kept so the weights normalise to the same last bit as in scikit-learn: equally good stumps are
 * then told apart the same way.
 */
export function numpySum(a: Float64Array, lo = 0, n = a.length): number {
  if (n < 8) {
    let s = 0;
    for (let i = lo; i < lo + n; i++) s += a[i];
    return s;
  }
  if (n <= 128) {
    const r = Array.from({ length: 8 }, (_, j) => a[lo + j]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[lo + i + j];
    const lowHalf = r[0] + r[1] + (r[2] + r[3]);
    const highHalf = r[4] + r[5] + (r[6] + r[7]);
    let s = lowHalf + highHalf;
    for (; i < n; i++) s += a[lo + i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, lo, n2) + numpySum(a, lo + n2, n - n2);
}

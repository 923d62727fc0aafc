// Weighted depth-1 decision trees (stumps) on the Gini criterion, following scikit-learn's
// DecisionTreeClassifier(max_depth=1) split search operation for operation, so the same data give
// the same split: float32 feature values, thresholds halfway between consecutive distinct values,
// values within 1e-7 treated as equal, the first of equally good thresholds kept. Features are
// sorted once (`presortFeatures`) and every boosting round sweeps the sorted orders.
import { OptionError } from '../../util/errors.js';

/** Samples x features, row-major float32 (the precision trees split on, as in scikit-learn). */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  /** [rows, cols]: feature j of sample i is at `i * cols + j`. */
  data: Float32Array;
}

/** A split on one feature: samples with value <= threshold go left. */
export interface Stump {
  /** Feature split on; -1 when no feature varies (one leaf: `left` and `right` are equal). */
  feature: number;
  threshold: number;
  /** Weighted class totals of the training samples in the left leaf ([K]). */
  left: number[];
  /** ... and in the right leaf ([K]). */
  right: number[];
}

/** Features sorted once for repeated stump fits on the same samples. */
export interface PresortedFeatures {
  rows: number;
  cols: number;
  /** Samples that take part (non-zero initial weight), ascending. */
  active: Int32Array;
  /** For feature j, `order[j * n + q]` is the sample at rank q (n = active.length). */
  order: Int32Array;
  /** Float32 value at each rank, same layout as `order`. */
  values: Float32Array;
}

// scikit-learn's FEATURE_THRESHOLD (float32): values closer than this count as equal.
const FEATURE_THRESHOLD = Math.fround(1e-7);
// Impurity at or below this makes the root a leaf (np.finfo(float64).eps).
const EPSILON = 2.220446049250313e-16;

/** Features of `x` sorted per column, over the samples whose `include` flag is set (all by default). */
export function presortFeatures(x: FeatureMatrix, include?: ArrayLike<boolean>): PresortedFeatures {
  const { rows, cols, data } = x;
  if (data.length !== rows * cols) throw new OptionError('features', `has ${data.length} values, expected rows x cols = ${rows} x ${cols}`);
  const act: number[] = [];
  for (let i = 0; i < rows; i++) if (!include || include[i]) act.push(i);
  const active = Int32Array.from(act);
  const n = active.length;
  const order = new Int32Array(cols * n);
  const values = new Float32Array(cols * n);
  const idx = new Int32Array(n);
  for (let j = 0; j < cols; j++) {
    idx.set(active);
    // ties keep sample order (a stable sort)
    idx.sort((a, b) => data[a * cols + j] - data[b * cols + j] || a - b);
    for (let q = 0; q < n; q++) {
      order[j * n + q] = idx[q];
      values[j * n + q] = data[idx[q] * cols + j];
    }
  }
  return { rows, cols, active, order, values };
}

/**
 * The weighted Gini stump for labels `y` (class indices 0..K-1) and weights `w` (length rows).
 * Among features, an exactly equal improvement keeps the lower feature index (scikit-learn visits
 * features in a random order and keeps the first it meets).
 */
export function fitStump(pre: PresortedFeatures, y: ArrayLike<number>, w: ArrayLike<number>, nClasses: number): Stump {
  const { active, order, values, cols } = pre;
  const n = active.length;
  const K = nClasses;
  // Node totals, summed in sample order (as the tree's criterion does at the root).
  const total = new Float64Array(K);
  let wn = 0;
  for (let q = 0; q < n; q++) {
    const i = active[q];
    total[y[i]] += w[i];
    wn += w[i];
  }
  if (n < 2 || gini(total, wn) <= EPSILON) return leaf(total);
  const sl = new Float64Array(K);
  const sr = new Float64Array(K);
  let best = -Infinity;
  let bestFeature = -1;
  let bestThreshold = 0;
  for (let j = 0; j < cols; j++) {
    const off = j * n;
    if (values[off + n - 1] <= Math.fround(values[off] + FEATURE_THRESHOLD)) continue; // constant
    sl.fill(0);
    let wl = 0;
    let pos = 0;
    let p = 0;
    while (p < n) {
      while (p + 1 < n && values[off + p + 1] <= Math.fround(values[off + p] + FEATURE_THRESHOLD)) p++;
      p++;
      if (p >= n) continue;
      // Move the split to rank p from whichever end is nearer (scikit-learn's criterion update).
      if (p - pos <= n - p) {
        for (let q = pos; q < p; q++) {
          const i = order[off + q];
          sl[y[i]] += w[i];
          wl += w[i];
        }
      } else {
        sl.set(total);
        wl = wn;
        for (let q = n - 1; q >= p; q--) {
          const i = order[off + q];
          sl[y[i]] -= w[i];
          wl -= w[i];
        }
      }
      pos = p;
      const wr = wn - wl;
      for (let c = 0; c < K; c++) sr[c] = total[c] - sl[c];
      const proxy = -wr * gini(sr, wr) - wl * gini(sl, wl);
      if (proxy > best) {
        best = proxy;
        bestFeature = j;
        const a = values[off + p - 1];
        const b = values[off + p];
        let t = a / 2 + b / 2;
        if (t === b || !Number.isFinite(t)) t = a;
        bestThreshold = t;
      }
    }
  }
  if (bestFeature < 0) return leaf(total);
  const left = new Array<number>(K).fill(0);
  const right = new Array<number>(K).fill(0);
  const off = bestFeature * n;
  for (let q = 0; q < n; q++) {
    const i = order[off + q];
    if (values[off + q] <= bestThreshold) left[y[i]] += w[i];
    else right[y[i]] += w[i];
  }
  return { feature: bestFeature, threshold: bestThreshold, left, right };
}

/** Gini impurity 1 - sum_c (s_c / W)^2, in scikit-learn's order of operations. */
function gini(s: Float64Array, W: number): number {
  let sq = 0;
  for (let c = 0; c < s.length; c++) sq += s[c] * s[c];
  return 1 - sq / (W * W);
}

function leaf(total: Float64Array): Stump {
  return { feature: -1, threshold: 0, left: Array.from(total), right: Array.from(total) };
}

/** Whether sample i of `x` falls in the stump's left leaf. */
export function goesLeft(stump: Stump, x: FeatureMatrix, i: number): boolean {
  return stump.feature < 0 || x.data[i * x.cols + stump.feature] <= stump.threshold;
}

// Receiver operating characteristic with unknown as the positive class (points as sklearn.metrics.roc_curve).
import { assertBothClasses, binaryClfCurve } from './binary-clf-curve.js';

/** Options for {@link rocCurve}. */
export interface RocCurveOptions {
  /**
   * Drop points that lie on a straight horizontal or vertical run between their neighbours
   * (sklearn's `drop_intermediate`); the curve's shape and area do not change.
   * @default true
   */
  dropIntermediate?: boolean;
}

/** ROC points, ordered by descending threshold; starts at (0, 0) and ends at (1, 1). */
export interface RocCurve {
  /** False-positive rate: fraction of knowns with score >= threshold. */
  readonly fpr: Float64Array;
  /** True-positive rate: fraction of unknowns with score >= threshold. */
  readonly tpr: Float64Array;
  /** thresholds[0] is +Infinity (nothing flagged); the rest are distinct scores, descending. */
  readonly thresholds: Float64Array;
}

/**
 * ROC curve of "flag as unknown when score >= t" over all distinct t.
 * Differs from sklearn 1.2 only in the first threshold (+Infinity here, max score + 1 there).
 */
export function rocCurve(
  scores: ArrayLike<number>,
  isUnknown: ArrayLike<boolean | number>,
  options: RocCurveOptions = {},
): RocCurve {
  const dropIntermediate = options.dropIntermediate ?? true;
  const c = binaryClfCurve(scores, isUnknown);
  assertBothClasses(c, 'unknown', 'known');
  const m = c.thresholds.length;
  const keep: number[] = [];
  for (let i = 0; i < m; i++) {
    if (!dropIntermediate || i === 0 || i === m - 1) {
      keep.push(i);
      continue;
    }
    // Second differences: non-zero means the curve bends at i, so the point is needed.
    const bendsFp = c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1] !== 0;
    const bendsTp = c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1] !== 0;
    if (bendsFp || bendsTp) keep.push(i);
  }
  const n = keep.length + 1;
  const fpr = new Float64Array(n);
  const tpr = new Float64Array(n);
  const thresholds = new Float64Array(n);
  thresholds[0] = Infinity;
  keep.forEach((i, j) => {
    fpr[j + 1] = c.fps[i] / c.negatives;
    tpr[j + 1] = c.tps[i] / c.positives;
    thresholds[j + 1] = c.thresholds[i];
  });
  return { fpr, tpr, thresholds };
}

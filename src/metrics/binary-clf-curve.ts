// Cumulative true/false positive counts at each distinct score threshold, thresholds descending.
// The counting behind ROC and precision-recall curves (as sklearn's _binary_clf_curve).
import { OptionError } from '../util/errors.js';
import { assertFiniteScores, assertSameLength } from './validate.js';

/** Counts at each distinct threshold t (descending): a sample is called positive when score >= t. */
export interface BinaryClfCurve {
  /** Distinct scores, descending. */
  readonly thresholds: Float64Array;
  /** tps[i] = positives with score >= thresholds[i]. */
  readonly tps: Float64Array;
  /** fps[i] = negatives with score >= thresholds[i]. */
  readonly fps: Float64Array;
  readonly positives: number;
  readonly negatives: number;
}

/**
 * Sorts once (O(n log n)) and emits one point per distinct score, so tied scores move
 * together: this is what makes AUROC count ties as one half.
 * @param scores higher = more positive
 * @param isPositive truthy = positive class
 */
export function binaryClfCurve(scores: ArrayLike<number>, isPositive: ArrayLike<boolean | number>): BinaryClfCurve {
  assertFiniteScores('scores', scores);
  assertSameLength('scores', scores, 'labels', isPositive);
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b] - scores[a]);
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (isPositive[i]) tp++;
    else fp++;
    // Close a point only after the last sample of a tie group.
    if (r === n - 1 || scores[order[r + 1]] !== scores[i]) {
      thresholds.push(scores[i]);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return {
    thresholds: Float64Array.from(thresholds),
    tps: Float64Array.from(tps),
    fps: Float64Array.from(fps),
    positives: tp,
    negatives: fp,
  };
}

/** Throws unless both classes are present (the rates are undefined otherwise). */
export function assertBothClasses(curve: BinaryClfCurve, positiveName: string, negativeName: string): void {
  if (curve.positives === 0) throw new OptionError('labels', `no ${positiveName} samples: the metric is undefined`);
  if (curve.negatives === 0) throw new OptionError('labels', `no ${negativeName} samples: the metric is undefined`);
}

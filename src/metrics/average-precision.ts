// Average precision, the area under the precision-recall curve as a step sum
// (sklearn's average_precision_score): AP = sum_k (R_k - R_{k-1}) * P_k over distinct thresholds.
import { OptionError } from '../util/errors.js';
import { binaryClfCurve } from './binary-clf-curve.js';

/**
 * Average precision with `isPositive` as the positive class and higher score = more positive.
 * No interpolation of precision (unlike the 11-point VOC AP). Needs at least one positive.
 */
export function averagePrecision(scores: ArrayLike<number>, isPositive: ArrayLike<boolean | number>): number {
  const c = binaryClfCurve(scores, isPositive);
  if (c.positives === 0) throw new OptionError('labels', 'no positive samples: average precision is undefined');
  let ap = 0;
  let tpPrev = 0;
  for (let i = 0; i < c.thresholds.length; i++) {
    const tp = c.tps[i];
    if (tp !== tpPrev) ap += (tp - tpPrev) * (tp / (tp + c.fps[i]));
    tpPrev = tp;
  }
  // One division at the end keeps a perfect ranking at exactly 1 (sum of n ones / n).
  return ap / c.positives;
}

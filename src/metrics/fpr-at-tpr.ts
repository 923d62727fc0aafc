// False-positive rate at a fixed true-positive rate (FPR95 when tpr = 0.95; Liang et al. 2018, arXiv 1706.02690).
// Unknown = positive: the fraction of knowns flagged when enough unknowns are caught.
import type { OpenSetMetric } from './open-set-metric.js';
import { assertBothClasses, binaryClfCurve } from './binary-clf-curve.js';
import { assertInRange } from './validate.js';

/** Options for {@link fprAtTpr}. */
export interface FprAtTprOptions {
  /** Fraction of unknowns that must be flagged. @default 0.95 */
  tpr?: number;
}

/**
 * FPR at the largest threshold t whose TPR(t) >= target, where a sample is flagged unknown
 * when score >= t. No interpolation between ROC points: tied scores are flagged together,
 * so the TPR reached may exceed the target. Same as `fpr[argmax(tpr >= 0.95)]` on
 * sklearn's roc_curve (the OpenOOD convention).
 */
export function fprAtTpr(
  scores: ArrayLike<number>,
  isUnknown: ArrayLike<boolean | number>,
  options: FprAtTprOptions = {},
): number {
  const target = options.tpr ?? 0.95;
  assertInRange('tpr', target, 0, 1);
  const c = binaryClfCurve(scores, isUnknown);
  assertBothClasses(c, 'unknown', 'known');
  if (target === 0) return 0; // the (0, 0) point at threshold +Infinity
  for (let i = 0; i < c.thresholds.length; i++) {
    if (c.tps[i] / c.positives >= target) return c.fps[i] / c.negatives;
  }
  return 1; // unreachable: the last point has TPR 1
}

export const fpr95Metric: OpenSetMetric = {
  name: 'fpr-at-95-tpr',
  description: 'Fraction of knowns flagged at the first threshold catching 95% of unknowns (no interpolation)',
  higherIsBetter: false,
  compute: (scores, isUnknown) => fprAtTpr(scores, isUnknown, { tpr: 0.95 }),
};

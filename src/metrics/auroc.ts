// Area under the ROC curve, unknown = positive (Hanley & McNeil 1982; as sklearn's roc_auc_score).
// Equals P(score_unknown > score_known) + 0.5 * P(tie): the trapezoid over tie groups gives the 0.5.
import { assertBothClasses, binaryClfCurve } from './binary-clf-curve.js';
import type { OpenSetMetric } from './open-set-metric.js';

/** AUROC in [0, 1]; 0.5 is chance. Needs at least one known and one unknown sample. */
export function auroc(scores: ArrayLike<number>, isUnknown: ArrayLike<boolean | number>): number {
  const c = binaryClfCurve(scores, isUnknown);
  assertBothClasses(c, 'unknown', 'known');
  // Trapezoid rule in counts: sum over points of dFP * (TP_prev + TP) / 2, then / (P * N).
  let area = 0;
  let fpPrev = 0;
  let tpPrev = 0;
  for (let i = 0; i < c.thresholds.length; i++) {
    area += (c.fps[i] - fpPrev) * (c.tps[i] + tpPrev);
    fpPrev = c.fps[i];
    tpPrev = c.tps[i];
  }
  return area / (2 * c.positives * c.negatives);
}

export const aurocMetric: OpenSetMetric = {
  name: 'auroc',
  description: 'Area under the ROC curve (unknown = positive; ties count one half)',
  higherIsBetter: true,
  compute: auroc,
};

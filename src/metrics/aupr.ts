// AUPR-In and AUPR-Out for unknown detection (Hendrycks & Gimpel 2017, arXiv 1610.02136), as average precision.
import { OptionError } from '../util/errors.js';
import { averagePrecision } from './average-precision.js';
import type { OpenSetMetric } from './open-set-metric.js';

// Both classes are required (as for AUROC): with one class absent the value says nothing.
function assertBothPresent(isUnknown: ArrayLike<boolean | number>): void {
  let unknown = 0;
  for (let i = 0; i < isUnknown.length; i++) if (isUnknown[i]) unknown++;
  if (unknown === 0) throw new OptionError('labels', 'no unknown samples: the metric is undefined');
  if (unknown === isUnknown.length) throw new OptionError('labels', 'no known samples: the metric is undefined');
}

/** AUPR-Out: unknown is the positive class, scores as given (higher = more unknown). */
export function auprOut(scores: ArrayLike<number>, isUnknown: ArrayLike<boolean | number>): number {
  assertBothPresent(isUnknown);
  return averagePrecision(scores, isUnknown);
}

/** AUPR-In: known (in-distribution) is the positive class, ranked by negated score. */
export function auprIn(scores: ArrayLike<number>, isUnknown: ArrayLike<boolean | number>): number {
  assertBothPresent(isUnknown);
  const negated = new Float64Array(scores.length);
  const isKnown = new Uint8Array(isUnknown.length);
  for (let i = 0; i < scores.length; i++) negated[i] = -scores[i];
  for (let i = 0; i < isUnknown.length; i++) isKnown[i] = isUnknown[i] ? 0 : 1;
  return averagePrecision(negated, isKnown);
}

export const auprOutMetric: OpenSetMetric = {
  name: 'aupr-out',
  description: 'Average precision with unknown as the positive class',
  higherIsBetter: true,
  compute: auprOut,
};

export const auprInMetric: OpenSetMetric = {
  name: 'aupr-in',
  description: 'Average precision with known as the positive class (scores negated)',
  higherIsBetter: true,
  compute: auprIn,
};

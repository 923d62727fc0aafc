// Open-set rejection threshold from held-apart known samples: the score quantile that keeps
// a target fraction of knowns accepted (score <= threshold accepted, score > threshold flagged unknown).
import { OptionError } from '../util/errors.js';
import { assertFiniteScores, assertInRange } from './validate.js';

/** Options for {@link calibrateThreshold}. */
export interface ThresholdCalibrationOptions {
  /** Fraction of known samples that must score at or below the threshold. @default 0.95 */
  tpr?: number;
  /**
   * Quantile rule, on the n sorted known scores s[0] <= ... <= s[n-1]:
   * - `inverted-cdf`: s[ceil(tpr * n) - 1] (s[0] when tpr = 0): the smallest observed score with
   *   at least tpr of the knowns at or below it, so the target holds on the calibration set
   *   (numpy's `quantile(..., method='inverted_cdf')`).
   * - `linear`: interpolate at position tpr * (n - 1) (numpy's default `linear`).
   * @default 'inverted-cdf'
   */
  method?: 'inverted-cdf' | 'linear';
}

/** Threshold result with what it achieves on the calibration scores themselves. */
export interface CalibratedThreshold {
  /** Flag a sample as unknown when its score is strictly greater than this. */
  readonly threshold: number;
  /** Fraction of the calibration knowns with score <= threshold. */
  readonly achievedTpr: number;
}

/**
 * Calibrates the rejection threshold on known-class scores (higher = more unknown).
 * @param knownScores scores of held-apart known samples, not used for training
 */
export function calibrateThreshold(
  knownScores: ArrayLike<number>,
  options: ThresholdCalibrationOptions = {},
): CalibratedThreshold {
  const tpr = options.tpr ?? 0.95;
  const method = options.method ?? 'inverted-cdf';
  assertFiniteScores('knownScores', knownScores);
  assertInRange('tpr', tpr, 0, 1);
  const s = Float64Array.from(knownScores).sort();
  const n = s.length;
  let threshold: number;
  if (method === 'inverted-cdf') {
    // Shrink by one part in 1e12 so a product that should be an integer but rounds a hair above
    // it (0.7 * 10 = 7.000000000000001) does not take the next score (numpy does take it).
    const k = Math.ceil(tpr * n * (1 - 1e-12));
    threshold = s[Math.max(0, k - 1)];
  } else if (method === 'linear') {
    const pos = tpr * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    threshold = s[lo] + (pos - lo) * (s[hi] - s[lo]);
  } else {
    throw new OptionError('method', `unknown quantile method '${String(method)}' (use 'inverted-cdf' or 'linear')`);
  }
  let below = 0;
  for (let i = 0; i < n; i++) if (s[i] <= threshold) below++;
  return { threshold, achievedTpr: below / n };
}

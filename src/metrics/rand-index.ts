// Rand index and Probabilistic Rand Index (Unnikrishnan et al., TPAMI 2007; BSDS500 benchmark of
// Arbelaez et al., TPAMI 2011, doi 10.1109/TPAMI.2010.161), from the contingency table in O(n + kA * kB).
import { OptionError } from '../util/errors.js';
import { contingency, type Contingency } from './contingency.js';
import type { LabelMap } from './label-map.js';
import type { SegmentationMetric } from './segmentation-metric.js';

/**
 * Fraction of pixel pairs on which the two segmentations agree (same segment in both, or
 * different in both): RI = 1 - (sum_i a_i^2 / 2 + sum_j b_j^2 / 2 - sum_ij n_ij^2) / C(N, 2),
 * with a, b the segment sizes and n_ij the joint counts (Rand 1971, eq. 2.2; as the BSDS code).
 * A one-pixel image has no pairs and scores 1.
 */
export function randIndexFromContingency(t: Contingency): number {
  if (t.n < 2) return 1;
  let sa = 0;
  let sb = 0;
  let sn = 0;
  for (const v of t.rowSums) sa += v * v;
  for (const v of t.colSums) sb += v * v;
  for (const v of t.counts) sn += v * v;
  const pairs = (t.n * (t.n - 1)) / 2;
  return 1 - (sa / 2 + sb / 2 - sn) / pairs;
}

/** Rand index of two label maps of the same size. */
export function randIndex(a: LabelMap, b: LabelMap): number {
  return randIndexFromContingency(contingency(a, b));
}

/**
 * PRI: the Rand index averaged over all ground truths. This equals Unnikrishnan's PRI with
 * pair probabilities estimated from the annotators, since RI is linear in those probabilities.
 */
export function probabilisticRandIndex(prediction: LabelMap, groundTruths: readonly LabelMap[]): number {
  if (groundTruths.length === 0) throw new OptionError('groundTruths', 'needs at least one annotation');
  let sum = 0;
  for (const gt of groundTruths) sum += randIndex(prediction, gt);
  return sum / groundTruths.length;
}

export const priMetric: SegmentationMetric = {
  name: 'pri',
  description: 'Probabilistic Rand Index: Rand index averaged over annotators (BSDS500)',
  higherIsBetter: true,
  compute: probabilisticRandIndex,
};

// Variation of Information (Meila, J. Multivariate Anal. 2007): VoI = H(A) + H(B) - 2 I(A; B),
// averaged over annotators as in the BSDS500 benchmark (Arbelaez et al., TPAMI 2011).
import { OptionError } from '../util/errors.js';
import { contingency, type Contingency } from './contingency.js';
import type { LabelMap } from './label-map.js';
import type { SegmentationMetric } from './segmentation-metric.js';

/** Options for the VoI functions. */
export interface VariationOfInformationOptions {
  /**
   * Logarithm base. Math.E gives nats. 2 gives bits, which is what the BSDS500 MATLAB
   * benchmark code (log2) and skimage 0.19's variation_of_information use: pass 2 to compare
   * with published BSDS VoI tables or with skimage.
   * @default Math.E
   */
  logBase?: number;
}

function logBaseOf(options: VariationOfInformationOptions): number {
  const base = options.logBase ?? Math.E;
  if (!(base > 0 && base !== 1 && Number.isFinite(base))) throw new OptionError('logBase', `must be a positive number other than 1, got ${base}`);
  return Math.log(base);
}

/**
 * VoI from the joint counts, in nats unless `logBase` says otherwise. Written with counts:
 * VoI = -sum_ij (n_ij / N) [log(n_ij / a_i) + log(n_ij / b_j)] = H(A|B) + H(B|A).
 */
export function voiFromContingency(t: Contingency, options: VariationOfInformationOptions = {}): number {
  const lnBase = logBaseOf(options);
  let s = 0;
  for (let i = 0; i < t.rows; i++) {
    const ai = t.rowSums[i];
    for (let j = 0; j < t.cols; j++) {
      const nij = t.counts[i * t.cols + j];
      if (nij === 0) continue;
      s -= nij * (Math.log(nij / ai) + Math.log(nij / t.colSums[j]));
    }
  }
  // Clamp the tiny negative that rounding leaves for identical partitions.
  return Math.max(0, s / t.n / lnBase);
}

/** VoI between two label maps of the same size (0 = identical partitions; lower is better). */
export function variationOfInformation(a: LabelMap, b: LabelMap, options: VariationOfInformationOptions = {}): number {
  return voiFromContingency(contingency(a, b), options);
}

/** VoI averaged over all ground truths (the BSDS500 convention). */
export function meanVariationOfInformation(
  prediction: LabelMap,
  groundTruths: readonly LabelMap[],
  options: VariationOfInformationOptions = {},
): number {
  if (groundTruths.length === 0) throw new OptionError('groundTruths', 'needs at least one annotation');
  let sum = 0;
  for (const gt of groundTruths) sum += variationOfInformation(prediction, gt, options);
  return sum / groundTruths.length;
}

export const voiMetric: SegmentationMetric = {
  name: 'voi',
  description: 'Variation of Information in nats, averaged over annotators (lower is better)',
  higherIsBetter: false,
  compute: (p, gts) => meanVariationOfInformation(p, gts),
};

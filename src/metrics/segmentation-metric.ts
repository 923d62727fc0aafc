// The interface every segmentation metric implements: one prediction against 1..K human annotations
// of the same image (BSDS500 has 4-9 per image).
import type { LabelMap } from './label-map.js';

/** A scalar score of a predicted label map against several ground-truth label maps. */
export interface SegmentationMetric {
  /** Registry key, kebab-case, e.g. `pri`. */
  readonly name: string;
  /** One line for CLI help and report tables. */
  readonly description: string;
  readonly higherIsBetter: boolean;
  /** @param groundTruths at least one map, each the size of `prediction` */
  compute(prediction: LabelMap, groundTruths: readonly LabelMap[]): number;
}

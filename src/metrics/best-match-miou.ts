// mIoU for unsupervised segmentation (Kim, Kanezaki & Tanaka, IEEE TIP 2020, arXiv 2007.09990):
// each ground-truth segment is matched to the predicted segment with the highest IoU, and the
// best IoUs are averaged. Predicted and true ids need no correspondence and counts may differ.
//
// Convention, following the authors' miou_calculation.py (shared in issue #2 of
// kanezaki/pytorch-unsupervised-segmentation-tip; the TIP repository itself has no evaluation code):
// - the prediction is first split into connected components (4-connectivity, see
//   connected-components.ts); the ground truths are used as they are;
// - mode "all": the best IoUs of every segment of every annotator of the image are pooled into
//   one list and averaged, so an annotator with more segments weighs more (not a mean of
//   per-annotator means); "fine"/"coarse" use only the annotator with the most/fewest segments
//   (first such annotator on ties);
// - over a dataset the script keeps pooling, so the dataset mIoU is the mean over all ground-truth
//   segments of all images (see datasetMiou), not the mean of per-image values.
// The script also reports the best annotator's mean per image ("max mIoU"); that is bestAnnotator.
import { OptionError } from '../util/errors.js';
import { connectedComponents } from './connected-components.js';
import { contingency } from './contingency.js';
import { assertLabelMap, assertSameSize, type LabelMap } from './label-map.js';
import type { SegmentationMetric } from './segmentation-metric.js';

/** Options for {@link bestMatchMiou}. */
export interface BestMatchMiouOptions {
  /** Which annotations count: all of them pooled, the finest one or the coarsest one. @default 'all' */
  annotators?: 'all' | 'fine' | 'coarse';
  /** Split the prediction into connected components before matching. @default true */
  relabelPrediction?: boolean;
  /** Connectivity of that split. @default 4 */
  connectivity?: 4 | 8;
}

/** Per-image result; iouSum and segmentCount let callers pool over a dataset. */
export interface BestMatchMiouResult {
  /** Pooled mean of best IoUs over the segments of the annotators used. */
  readonly miou: number;
  /** Mean best IoU over each used annotator's segments, in input order of those annotators. */
  readonly perAnnotator: readonly number[];
  /** Largest entry of perAnnotator. */
  readonly bestAnnotator: number;
  /** Sum of the pooled best IoUs. */
  readonly iouSum: number;
  /** Number of pooled ground-truth segments. */
  readonly segmentCount: number;
}

/**
 * Best IoU of each ground-truth segment with any predicted segment, in order of first
 * appearance of the ground-truth ids. IoU(g, p) = n_gp / (|g| + |p| - n_gp).
 */
export function segmentBestIous(prediction: LabelMap, groundTruth: LabelMap): Float64Array {
  const t = contingency(groundTruth, prediction); // rows = GT segments, cols = predicted segments
  const best = new Float64Array(t.rows);
  for (let g = 0; g < t.rows; g++) {
    let m = 0;
    for (let p = 0; p < t.cols; p++) {
      const inter = t.counts[g * t.cols + p];
      if (inter === 0) continue;
      const iou = inter / (t.rowSums[g] + t.colSums[p] - inter);
      if (iou > m) m = iou;
    }
    best[g] = m;
  }
  return best;
}

/** Best-match mIoU of one image against its annotators (convention in the file header). */
export function bestMatchMiou(
  prediction: LabelMap,
  groundTruths: readonly LabelMap[],
  options: BestMatchMiouOptions = {},
): BestMatchMiouResult {
  const mode = options.annotators ?? 'all';
  if (groundTruths.length === 0) throw new OptionError('groundTruths', 'needs at least one annotation');
  if (mode !== 'all' && mode !== 'fine' && mode !== 'coarse') throw new OptionError('annotators', `must be 'all', 'fine' or 'coarse', got '${String(mode)}'`);
  assertLabelMap('prediction', prediction);
  groundTruths.forEach((gt, i) => assertSameSize('prediction', prediction, `groundTruths[${i}]`, gt));
  const pred = options.relabelPrediction ?? true ? connectedComponents(prediction, { connectivity: options.connectivity ?? 4 }).map : prediction;
  let used = groundTruths;
  if (mode !== 'all') {
    const counts = groundTruths.map((gt) => new Set(gt.data).size);
    let k = 0;
    for (let i = 1; i < counts.length; i++) if (mode === 'fine' ? counts[i] > counts[k] : counts[i] < counts[k]) k = i;
    used = [groundTruths[k]];
  }
  let iouSum = 0;
  let segmentCount = 0;
  const perAnnotator: number[] = [];
  for (const gt of used) {
    const best = segmentBestIous(pred, gt);
    let s = 0;
    for (const v of best) s += v;
    perAnnotator.push(s / best.length);
    iouSum += s;
    segmentCount += best.length;
  }
  return { miou: iouSum / segmentCount, perAnnotator, bestAnnotator: Math.max(...perAnnotator), iouSum, segmentCount };
}

/** Dataset mIoU as the authors' script pools it: all ground-truth segments of all images, one mean. */
export function datasetMiou(results: readonly BestMatchMiouResult[]): number {
  let s = 0;
  let c = 0;
  for (const r of results) {
    s += r.iouSum;
    c += r.segmentCount;
  }
  if (c === 0) throw new OptionError('results', 'is empty');
  return s / c;
}

export const miouMetric: SegmentationMetric = {
  name: 'miou',
  description: 'Best-match mIoU pooled over all annotators\' segments, prediction split into 4-connected parts (Kim et al. 2020)',
  higherIsBetter: true,
  compute: (p, gts) => bestMatchMiou(p, gts).miou,
};

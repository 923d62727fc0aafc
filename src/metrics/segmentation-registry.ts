// Registry of segmentation metrics: CLI choices, report tables and contract tests iterate this list.
import { OptionError } from '../util/errors.js';
import { miouMetric } from './best-match-miou.js';
import type { LabelMap } from './label-map.js';
import { priMetric } from './rand-index.js';
import type { SegmentationMetric } from './segmentation-metric.js';
import { voiMetric } from './variation-of-information.js';

/** Every registered segmentation metric, in report order. */
export const segmentationMetrics: readonly SegmentationMetric[] = [miouMetric, priMetric, voiMetric];

/** Looks a metric up by its registry name. */
export function segmentationMetric(name: string): SegmentationMetric {
  const m = segmentationMetrics.find((x) => x.name === name);
  if (!m) throw new OptionError('metric', `unknown segmentation metric '${name}' (known: ${segmentationMetrics.map((x) => x.name).join(', ')})`);
  return m;
}

/** Computes every registered metric for one image: { miou, pri, voi }. */
export function evaluateSegmentation(prediction: LabelMap, groundTruths: readonly LabelMap[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of segmentationMetrics) out[m.name] = m.compute(prediction, groundTruths);
  return out;
}

// Registry of the classical segmentation baselines: CLI choices, reports and contract tests iterate it.
import { OptionError } from '../../../util/errors.js';
import { blankBaseline } from './blank.js';
import { felzenszwalbBaseline } from './felzenszwalb.js';
import { kmeansColourBaseline } from './kmeans-colour.js';
import type { SegmentationBaseline } from './segmentation-baseline.js';

/** Every registered baseline. */
export const segmentationBaselines: readonly SegmentationBaseline[] = [blankBaseline, kmeansColourBaseline, felzenszwalbBaseline];

/** Looks a baseline up by its registry name. */
export function segmentationBaseline(name: string): SegmentationBaseline {
  const b = segmentationBaselines.find((x) => x.name === name);
  if (!b) throw new OptionError('baseline', `unknown baseline '${name}' (known: ${segmentationBaselines.map((x) => x.name).join(', ')})`);
  return b;
}

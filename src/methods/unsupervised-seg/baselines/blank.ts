// The trivial baseline: the whole image is one segment. Any method must beat it.
import { assertRgbImage, type RgbImage } from './rgb-image.js';
import type { BaselineSegmentation, SegmentationBaseline } from './segmentation-baseline.js';

/** Options for {@link blankSegmentation}: none. */
export type BlankOptions = Record<string, never>;

/** Every pixel gets id 0. */
export function blankSegmentation(image: RgbImage): BaselineSegmentation {
  assertRgbImage(image);
  return { data: new Int32Array(image.width * image.height), width: image.width, height: image.height, count: 1 };
}

export const blankBaseline: SegmentationBaseline<BlankOptions> = {
  name: 'blank',
  description: 'One segment covering the whole image',
  defaults: {},
  segment: (image) => blankSegmentation(image),
};

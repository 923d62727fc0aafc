// The interface every classical unsupervised-segmentation baseline implements (one file each,
// registered once in registry.ts).
import type { RgbImage } from './rgb-image.js';

/** A label map produced by a baseline: ids 0..count-1, row-major [H, W]. */
export interface BaselineSegmentation {
  readonly data: Int32Array;
  readonly width: number;
  readonly height: number;
  /** Number of distinct ids. */
  readonly count: number;
}

/** A segmentation method with no learning: image in, label map out. */
export interface SegmentationBaseline<O extends object = object> {
  /** Registry key, kebab-case. */
  readonly name: string;
  /** One line for CLI help and report tables. */
  readonly description: string;
  /** The options used when a field is left out (the documented @default values). */
  readonly defaults: Readonly<Required<O>>;
  /** Segments one image; deterministic for the same image and options (seeded where random). */
  segment(image: RgbImage, options?: O): BaselineSegmentation;
}

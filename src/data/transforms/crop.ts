// Random crops of a fixed size, the same box for image and mask.
import { OptionError } from '../../util/errors.js';
import type { Rng } from '../rng.js';
import { cropImage } from '../tiling.js';
import type { Sample } from '../types.js';
import { mapSample, type RandomTransform, type SampleSize } from './transform.js';

/** Options of `RandCrop`. */
export interface RandCropOptions {
  /** Crop height in pixels. @default 256 */
  height?: number;
  /** Crop width in pixels. @default height */
  width?: number;
}

/** Parameters of `RandCrop`: the top-left corner of the box. */
export interface CropParams {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A crop box placed uniformly at random inside the image. */
export class RandCrop implements RandomTransform<CropParams> {
  readonly name = 'RandCrop';
  private readonly h: number;
  private readonly w: number;
  constructor(options: RandCropOptions = {}) {
    this.h = options.height ?? 256;
    this.w = options.width ?? this.h;
    for (const [k, v] of [['height', this.h], ['width', this.w]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new OptionError(k, `must be a positive integer, got ${v}`);
    }
  }
  randomize(rng: Rng, size: SampleSize): CropParams {
    if (size.height < this.h || size.width < this.w) {
      throw new OptionError('height', `crop ${this.w}x${this.h} is larger than the ${size.width}x${size.height} image`);
    }
    return { x: rng.int(size.width - this.w + 1), y: rng.int(size.height - this.h + 1), width: this.w, height: this.h };
  }
  apply(sample: Sample, p: CropParams): Sample {
    return mapSample(sample, (img) => cropImage(img, p));
  }
  outputSize(size: SampleSize, p: CropParams): SampleSize {
    return { ...size, height: p.height, width: p.width };
  }
}

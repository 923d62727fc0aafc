// An 8-bit RGB image, interleaved row-major [H, W, 3], as the baselines take it.
import { OptionError } from '../../../util/errors.js';

/** Interleaved RGB bytes, row-major [H, W, 3]. */
export interface RgbImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** Throws unless the buffer holds exactly width * height * 3 bytes. */
export function assertRgbImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new OptionError('image', `bad size ${width}x${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new OptionError('image', `has ${data.length} bytes but ${width}x${height}x3 = ${width * height * 3}`);
  }
}

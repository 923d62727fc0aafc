// Flips and quarter-turn rotations of image and mask planes, and their random forms.
import { OptionError } from '../../util/errors.js';
import type { Rng } from '../rng.js';
import type { ImageTensorLike, Sample } from '../types.js';
import { checkProb, mapSample, type RandomTransform, type SampleSize } from './transform.js';

/** Mirror left-right (`horizontal`) and/or top-bottom (`vertical`). */
export function flipPlanes(img: ImageTensorLike, horizontal: boolean, vertical: boolean): ImageTensorLike {
  const { channels: C, height: H, width: W } = img;
  const out = new Float32Array(img.data.length);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      const sy = vertical ? H - 1 - y : y;
      const src = (c * H + sy) * W;
      const dst = (c * H + y) * W;
      if (horizontal) for (let x = 0; x < W; x++) out[dst + x] = img.data[src + W - 1 - x];
      else out.set(img.data.subarray(src, src + W), dst);
    }
  }
  return { ...img, data: out };
}

/**
 * Rotate by k quarter turns anticlockwise as displayed (rows down), like numpy's rot90 on [H,W]:
 * k = 1 puts the top-right corner at the top left. Height and width swap for odd k.
 */
export function rot90Planes(img: ImageTensorLike, k: number): ImageTensorLike {
  const q = ((k % 4) + 4) % 4;
  const { channels: C, height: H, width: W } = img;
  if (q === 0) return { ...img, data: img.data.slice() };
  const [oh, ow] = q % 2 ? [W, H] : [H, W];
  const out = new Float32Array(img.data.length);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        // source (sx, sy) of output (x, y)
        const [sx, sy] = q === 1 ? [W - 1 - y, x] : q === 2 ? [W - 1 - x, H - 1 - y] : [y, H - 1 - x];
        out[(c * oh + y) * ow + x] = img.data[(c * H + sy) * W + sx];
      }
    }
  }
  return { data: out, channels: C, height: oh, width: ow };
}

/** Options of `RandFlip`. */
export interface RandFlipOptions {
  /** Probability of a left-right flip. @default 0.5 */
  horizontal?: number;
  /** Probability of a top-bottom flip. @default 0.5 */
  vertical?: number;
}

/** Parameters of `RandFlip`. */
export interface FlipParams {
  horizontal: boolean;
  vertical: boolean;
}

/** Random left-right and top-bottom flips, the same for image and mask. */
export class RandFlip implements RandomTransform<FlipParams> {
  readonly name = 'RandFlip';
  private readonly ph: number;
  private readonly pv: number;
  constructor(options: RandFlipOptions = {}) {
    this.ph = checkProb(options.horizontal ?? 0.5, 'horizontal');
    this.pv = checkProb(options.vertical ?? 0.5, 'vertical');
  }
  randomize(rng: Rng): FlipParams {
    return { horizontal: rng.bool(this.ph), vertical: rng.bool(this.pv) };
  }
  apply(sample: Sample, p: FlipParams): Sample {
    return mapSample(sample, (img) => flipPlanes(img, p.horizontal, p.vertical));
  }
}

/** Options of `RandRotate90`. */
export interface RandRotate90Options {
  /** Probability of rotating at all; when rotating, 1, 2 or 3 quarter turns are equally likely. @default 0.75 */
  prob?: number;
  /** Only allow k = 0 or 2 (keeps height and width, e.g. for non-square batches). @default false */
  keepShape?: boolean;
}

/** Parameters of `RandRotate90`: quarter turns anticlockwise. */
export interface Rotate90Params {
  k: number;
}

/** Random quarter-turn rotations, the same for image and mask. */
export class RandRotate90 implements RandomTransform<Rotate90Params> {
  readonly name = 'RandRotate90';
  private readonly prob: number;
  private readonly keepShape: boolean;
  constructor(options: RandRotate90Options = {}) {
    this.prob = checkProb(options.prob ?? 0.75);
    this.keepShape = options.keepShape ?? false;
  }
  randomize(rng: Rng, size: SampleSize): Rotate90Params {
    if (!rng.bool(this.prob)) return { k: 0 };
    if (this.keepShape) return { k: 2 };
    if (size.height !== size.width) {
      throw new OptionError('keepShape', `a ${size.height}x${size.width} image changes shape under odd quarter turns: set keepShape`);
    }
    return { k: 1 + rng.int(3) };
  }
  apply(sample: Sample, p: Rotate90Params): Sample {
    return mapSample(sample, (img) => rot90Planes(img, p.k));
  }
  outputSize(size: SampleSize, p: Rotate90Params): SampleSize {
    return p.k % 2 ? { ...size, height: size.width, width: size.height } : size;
  }
}

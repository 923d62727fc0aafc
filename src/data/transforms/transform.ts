// Random transforms for image + mask samples, MONAI-style: `randomize` draws the parameters from a
// seeded Rng, `apply` uses them and nothing else, so a run can be replayed from its parameters.
import { OptionError } from '../../util/errors.js';
import type { Rng } from '../rng.js';
import type { ImageTensorLike, Sample } from '../types.js';

/** Size of a sample as a transform sees it before applying. */
export interface SampleSize {
  channels: number;
  height: number;
  width: number;
}

/** A random transform: parameters drawn by `randomize`, applied identically to image and mask by `apply`. */
export interface RandomTransform<P = unknown> {
  /** Short name for logs and replay, e.g. 'RandFlip'. */
  readonly name: string;
  /** Draw parameters for a sample of this size. */
  randomize(rng: Rng, size: SampleSize): P;
  /** Apply drawn parameters (deterministic; the input is not modified). */
  apply(sample: Sample, params: P): Sample;
  /** Size after applying, when the transform changes it. @default the same size */
  outputSize?(size: SampleSize, params: P): SampleSize;
}

/** Throw unless the mask (if any) is one channel of the image's height and width. */
export function checkSample(sample: Sample): void {
  const { image, mask } = sample;
  if (image.data.length !== image.channels * image.height * image.width) {
    throw new OptionError('image', `data holds ${image.data.length} values, not ${image.channels}x${image.height}x${image.width}`);
  }
  if (mask && (mask.height !== image.height || mask.width !== image.width || mask.channels !== 1 || mask.data.length !== mask.height * mask.width)) {
    throw new OptionError('mask', `is ${mask.channels}x${mask.height}x${mask.width}, expected 1x${image.height}x${image.width}`);
  }
}

/** A sample with the image and mask each passed through `fn` (label kept). */
export function mapSample(sample: Sample, fn: (img: ImageTensorLike, isMask: boolean) => ImageTensorLike): Sample {
  const out: Sample = { ...sample, image: fn(sample.image, false) };
  if (sample.mask) out.mask = fn(sample.mask, true);
  return out;
}

/** Transforms in sequence; parameters are the list of each one's parameters. */
export class RandCompose implements RandomTransform<unknown[]> {
  readonly name = 'RandCompose';
  constructor(readonly transforms: readonly RandomTransform<any>[]) {}

  randomize(rng: Rng, size: SampleSize): unknown[] {
    let s = size;
    return this.transforms.map((t) => {
      const p = t.randomize(rng, s);
      if (t.outputSize) s = t.outputSize(s, p);
      return p;
    });
  }

  apply(sample: Sample, params: unknown[]): Sample {
    if (params.length !== this.transforms.length) throw new OptionError('params', `${params.length} parameter sets for ${this.transforms.length} transforms`);
    return this.transforms.reduce((s, t, i) => t.apply(s, params[i]), sample);
  }

  outputSize(size: SampleSize, params: unknown[]): SampleSize {
    return this.transforms.reduce((s, t, i) => (t.outputSize ? t.outputSize(s, params[i]) : s), size);
  }
}

/** Draw parameters for this sample and apply them: the one-call form for a data pipeline. */
export function augment<P>(transform: RandomTransform<P>, sample: Sample, rng: Rng): { sample: Sample; params: P } {
  checkSample(sample);
  const { channels, height, width } = sample.image;
  const params = transform.randomize(rng, { channels, height, width });
  return { sample: transform.apply(sample, params), params };
}

/** Check a probability option. */
export function checkProb(p: number, name = 'prob'): number {
  if (!(p >= 0 && p <= 1)) throw new OptionError(name, `must be in [0, 1], got ${p}`);
  return p;
}
